import type { Command } from 'commander'
import { createLogger } from '../../server/logger.js'
import { type RunningNode, startNode } from '../../server/node.js'
import { configFromFlags, type StorageFlags, withStorageFlags } from '../shared.js'

interface ServeFlags extends StorageFlags {
  roles?: string
  port?: string
  host?: string
}

export function registerServe(program: Command): void {
  withStorageFlags(program.command('serve'))
    .description('run the Watchfloor server: API, console, ingest, detection and workers')
    .option('--roles <roles>', 'roles this node runs: web,ingest,detect,worker (or WATCHFLOOR_ROLES)')
    .option('-p, --port <port>', 'HTTP port (or WATCHFLOOR_PORT, default 8470)')
    .option('--host <address>', 'listen address (or WATCHFLOOR_HOST, default 127.0.0.1)')
    .action(async (flags: ServeFlags) => {
      const config = configFromFlags(flags, { roles: flags.roles, port: flags.port, host: flags.host })
      const logger = createLogger(config)
      // Signal handlers go in before anything starts, so a SIGTERM during start-up is a clean stop too.
      let node: RunningNode | undefined
      let stopRequested: string | undefined
      let signals = 0
      const shutdown = (signal: string) => {
        signals += 1
        if (signals > 1) {
          logger.warn({ signal }, 'second signal: exiting at once')
          process.exit(1)
        }
        if (!node) {
          stopRequested = signal
          return
        }
        logger.info({ signal }, 'shutting down: finishing in-flight requests and pending writes')
        const timer = setTimeout(() => {
          logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out; exiting')
          process.exit(1)
        }, config.shutdownTimeoutMs)
        timer.unref()
        node.stop().then(
          () => {
            logger.info('stopped')
            logger.flush?.()
            process.exit(0)
          },
          (error: unknown) => {
            logger.error({ err: error }, 'error during shutdown')
            process.exit(1)
          },
        )
      }
      process.on('SIGTERM', () => shutdown('SIGTERM'))
      process.on('SIGINT', () => shutdown('SIGINT'))

      node = await startNode(config, logger, {
        onAdminCreated: (admin) => {
          const lines = admin.password
            ? [
                'First start: created the administrator account.',
                `  username: ${admin.username}`,
                `  password: ${admin.password}`,
                'This password is shown once. Log in and change it (POST /api/v1/auth/password).',
              ]
            : [
                `First start: created the administrator account "${admin.username}" with the configured password.`,
              ]
          process.stderr.write(`\n${lines.join('\n')}\n\n`)
        },
      })
      if (node.url)
        process.stderr.write(
          `Watchfloor is listening on ${node.url} (${node.services.store.engine} database)\n`,
        )
      const syslog = node.syslog
      if (syslog) {
        const ports = [
          ['udp', syslog.udpPort],
          ['tcp', syslog.tcpPort],
          ['tls', syslog.tlsPort],
        ].filter(([, port]) => port !== undefined)
        process.stderr.write(
          `Syslog listening on ${ports.map(([kind, port]) => `${kind} ${port}`).join(', ')}\n`,
        )
      }
      if (stopRequested) {
        signals = 0
        shutdown(stopRequested)
      }
    })
}
