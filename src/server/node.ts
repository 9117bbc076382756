import type { Logger } from 'pino'
import { AlertBuilder } from '../alerts/alert-builder.js'
import type { Config } from '../config/settings.js'
import { DetectLoop } from '../detect/live/detect-loop.js'
import { checkSources } from '../ingest/source-monitor.js'
import { startSyslogIfConfigured } from '../ingest/syslog/start.js'
import type { SyslogListeners } from '../ingest/syslog/syslog-server.js'
import { DeliveryWorker } from '../notify/delivery-worker.js'
import { ensureSecretKey } from '../notify/secret-key.js'
import { openStore } from '../store/open-store.js'
import { buildApp } from './app.js'
import type { App } from './context.js'
import { runMaintenance, scheduleTask } from './maintenance.js'
import { createServices, type Services } from './services.js'

export interface RunningNode {
  app: App | undefined
  services: Services
  /** Where the HTTP server listens, e.g. http://127.0.0.1:8470. */
  url: string | undefined
  /** The syslog listeners' ports, when configured. */
  syslog: { udpPort?: number; tcpPort?: number; tlsPort?: number } | undefined
  /** Finishes in-flight requests, flushes pending writes, closes the database. */
  stop(): Promise<void>
}

/** Shutdown steps registered by roles (ingest queues, detection loops) run before the store closes. */
export type ShutdownStep = () => Promise<void>

export async function startNode(
  config: Config,
  logger: Logger,
  options: { onAdminCreated?: (admin: { username: string; password?: string }) => void } = {},
): Promise<RunningNode> {
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    duckdbMemoryLimit: config.duckdbMemoryLimit,
    poolSize: config.databasePoolSize,
    logger: logger.child({ component: 'store' }),
  })
  // Resolved once at start-up, so a generated key is created (and logged) before anything uses it.
  const secretKey = config.secretKey ?? ensureSecretKey(config, logger).toString('hex')
  const services = createServices(store, { ...config, secretKey }, logger)
  const admin = await services.users.ensureBootstrapAdmin(config.adminPassword)
  if (admin) options.onAdminCreated?.(admin)

  const shutdownSteps: ShutdownStep[] = []
  if (config.roles.includes('worker')) {
    const alertBuilder = new AlertBuilder(
      store,
      services.rules,
      services.silences,
      logger.child({ component: 'alerts' }),
      {
        notify: services.notifyRoutes,
        exceptions: services.exceptions,
        settings: services.ruleAlertSettings,
        metrics: services.alertQuietMetrics,
        events: services.alertStream,
      },
    )
    const stopAlerts = scheduleTask('alerts', 1_000, () => alertBuilder.catchUp(), logger)
    shutdownSteps.push(async () => {
      await stopAlerts()
      await alertBuilder.release()
    })
    const stopSla = scheduleTask(
      'alert-sla',
      config.alertSlaCheckMs,
      () => services.alertSla.catchUp(),
      logger,
    )
    shutdownSteps.push(async () => {
      await stopSla()
      await services.alertSla.release()
    })
    const delivery = new DeliveryWorker(
      store,
      services.channels,
      {
        leaseMs: config.notifyLeaseMs,
        maxAttempts: config.notifyMaxAttempts,
        retryBaseMs: config.notifyRetryBaseMs,
        retryMaxMs: config.notifyRetryMaxMs,
        pollMs: config.notifyPollMs,
        concurrency: config.notifyConcurrency,
        floodThreshold: config.notifyFloodThreshold,
        publicUrl: config.publicUrl,
      },
      logger.child({ component: 'notify' }),
    )
    delivery.start()
    shutdownSteps.push(() => delivery.stop())
    // Every worker node runs it: the outbox idempotency key makes each slot one message.
    shutdownSteps.push(
      scheduleTask('brief-schedules', 30_000, () => services.briefSchedules.runDue(), logger),
    )
    shutdownSteps.push(
      scheduleTask('maintenance', 3_600_000, () => runMaintenance(services, config.retentionDays), logger),
    )
    shutdownSteps.push(
      scheduleTask(
        'source-monitor',
        30_000,
        async () => {
          await services.sourceStats.flush()
          return checkSources(store)
        },
        logger,
      ),
    )
  }
  if (config.roles.includes('detect')) {
    const detector = new DetectLoop(store, services.rules, logger.child({ component: 'detect' }))
    detector.start()
    shutdownSteps.push(() => detector.stop())
  }
  let syslog: SyslogListeners | undefined
  if (config.roles.includes('ingest')) {
    syslog = await startSyslogIfConfigured(config, services, logger)
    const listeners = syslog
    if (listeners) shutdownSteps.unshift(() => listeners.close())
  }
  let app: App | undefined
  let url: string | undefined
  if (config.roles.includes('web') || config.roles.includes('ingest')) {
    app = await buildApp({ config, services }, logger)
    url = await app.listen({ host: config.host, port: config.port })
    logger.info({ url, engine: store.engine, roles: config.roles }, 'watchfloor is listening')
  }

  let stopping: Promise<void> | undefined
  return {
    app,
    services,
    url,
    syslog,
    stop() {
      stopping ??= (async () => {
        if (app) await app.close()
        for (const step of shutdownSteps) await step()
        // Everything accepted is committed before the database closes.
        await services.ingest.close()
        await services.ingest.queue.drain()
        await services.sourceStats.flush()
        await store.close()
      })()
      return stopping
    },
  }
}
