import type { Logger } from 'pino'
import pino from 'pino'
import { AlertsService } from '../alerts/alerts.service.js'
import { SilencesService } from '../alerts/silences.service.js'
import { SessionsService } from '../auth/sessions.service.js'
import { TokensService } from '../auth/tokens.service.js'
import { UsersService } from '../auth/users.service.js'
import { BriefService } from '../brief/brief.service.js'
import { CaseItemsService } from '../cases/case-items.service.js'
import { IncidentsService } from '../cases/incidents.service.js'
import { BUNDLED_RULES_DIR, type Config } from '../config/settings.js'
import { RuleCatalog } from '../detect/live/rule-catalog.js'
import { DeadLettersService } from '../ingest/dead-letters.service.js'
import { IngestMetrics } from '../ingest/ingest.metrics.js'
import { IngestService } from '../ingest/ingest.service.js'
import { isKnownParser, parseRecord } from '../ingest/parsing.js'
import { createBatchCommitter } from '../ingest/pipeline/commit-batch.js'
import { DEFAULT_QUEUE_LIMITS, IngestQueue } from '../ingest/pipeline/ingest-queue.js'
import { SourceStats } from '../ingest/pipeline/source-stats.js'
import { SourcesService } from '../ingest/sources.service.js'
import { ChannelsService } from '../notify/channels.service.js'
import { NotificationsService } from '../notify/notifications.service.js'
import { RoutesService } from '../notify/routes.service.js'
import { SecretBox } from '../notify/secret-box.js'
import { decodeSecretKey, ensureSecretKey } from '../notify/secret-key.js'
import type { Store } from '../store/store.js'

/** The service objects, built once per process and shared by routes, workers and the CLI. */
export interface Services {
  store: Store
  users: UsersService
  tokens: TokensService
  sessions: SessionsService
  sources: SourcesService
  ingest: IngestService
  deadLetters: DeadLettersService
  metrics: IngestMetrics
  rules: RuleCatalog
  sourceStats: SourceStats
  alerts: AlertsService
  silences: SilencesService
  incidents: IncidentsService
  caseItems: CaseItemsService
  brief: BriefService
  channels: ChannelsService
  notifyRoutes: RoutesService
  notifications: NotificationsService
}

export type ServicesConfig = Pick<Config, 'sessionTtlHours'> &
  Partial<
    Pick<
      Config,
      'ingestQueueMaxEvents' | 'ingestQueueMaxBytes' | 'rulesDirs' | 'unmappedRules' | 'secretKey' | 'dataDir'
    >
  >

export function createServices(
  store: Store,
  config: ServicesConfig,
  logger: Logger = pino({ level: 'silent' }),
): Services {
  const metrics = new IngestMetrics()
  const sourceStats = new SourceStats(store)
  let lastStatsFlush = 0
  const queue = new IngestQueue(
    createBatchCommitter(store, sourceStats),
    {
      ...DEFAULT_QUEUE_LIMITS,
      maxEvents: config.ingestQueueMaxEvents ?? DEFAULT_QUEUE_LIMITS.maxEvents,
      maxBytes: config.ingestQueueMaxBytes ?? DEFAULT_QUEUE_LIMITS.maxBytes,
    },
    (stats) => {
      metrics.commitSeconds.observe(stats.ms / 1000)
      metrics.commitEvents.observe(stats.events)
      if (Date.now() - lastStatsFlush > 1_000) {
        lastStatsFlush = Date.now()
        sourceStats
          .flush()
          .catch((error: unknown) =>
            logger.warn({ err: error }, 'source counters not written yet; will retry'),
          )
      }
    },
  )
  metrics.watchQueue(queue)
  const sources = new SourcesService(store, isKnownParser, sourceStats)
  let box: SecretBox | undefined
  const secretBox = () =>
    (box ??= new SecretBox(
      config.secretKey
        ? decodeSecretKey(config.secretKey)
        : ensureSecretKey({ dataDir: config.dataDir ?? './data' }, logger),
    ))
  const notifyRoutes = new RoutesService(store)
  return {
    store,
    users: new UsersService(store),
    tokens: new TokensService(store),
    sessions: new SessionsService(store, config.sessionTtlHours * 3_600_000),
    sources,
    ingest: new IngestService(queue, parseRecord, metrics),
    deadLetters: new DeadLettersService(store, sources, queue, parseRecord),
    metrics,
    sourceStats,
    alerts: new AlertsService(store, notifyRoutes),
    silences: new SilencesService(store),
    incidents: new IncidentsService(store),
    caseItems: new CaseItemsService(store),
    brief: new BriefService(store),
    rules: new RuleCatalog(
      store,
      config.rulesDirs ?? [BUNDLED_RULES_DIR],
      logger,
      config.unmappedRules ?? 'always',
    ),
    channels: new ChannelsService(store, secretBox),
    notifyRoutes,
    notifications: new NotificationsService(store),
  }
}
