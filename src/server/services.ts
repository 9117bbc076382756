import { availableParallelism } from 'node:os'
import path from 'node:path'
import type { Logger } from 'pino'
import pino from 'pino'
import { AlertStream } from '../alerts/alert-stream.js'
import { AlertsService } from '../alerts/alerts.service.js'
import { ExceptionsService } from '../alerts/exceptions.service.js'
import { AlertQuietMetrics } from '../alerts/quiet-counters.js'
import { SilencesService } from '../alerts/silences.service.js'
import { AlertSlaService } from '../alerts/sla.service.js'
import { DEFAULT_SLA_POLICY } from '../alerts/sla-policy.js'
import { RuleAlertSettingsService } from '../alerts/suppression.js'
import { SessionsService } from '../auth/sessions.service.js'
import { TokensService } from '../auth/tokens.service.js'
import { UsersService } from '../auth/users.service.js'
import { BriefService } from '../brief/brief.service.js'
import { BriefScheduleService } from '../brief/brief-schedule.service.js'
import { CaseItemsService } from '../cases/case-items.service.js'
import { EvidenceService } from '../cases/evidence.service.js'
import { EvidenceFiles } from '../cases/evidence-files.js'
import { IncidentUpdateService } from '../cases/incident-update.service.js'
import { IncidentsService } from '../cases/incidents.service.js'
import { RcaService } from '../cases/rca.service.js'
import { ReportService } from '../cases/report/report.service.js'
import { ReportTemplates } from '../cases/report/report-templates.js'
import { TemplatesService } from '../cases/templates.service.js'
import { BUNDLED_RULES_DIR, type Config, SETTINGS } from '../config/settings.js'
import { RuleCatalog } from '../detect/live/rule-catalog.js'
import { DeadLettersService } from '../ingest/dead-letters.service.js'
import { IngestMetrics } from '../ingest/ingest.metrics.js'
import { IngestService } from '../ingest/ingest.service.js'
import { isKnownParser, parseRecord } from '../ingest/parsing.js'
import { createBatchCommitter } from '../ingest/pipeline/commit-batch.js'
import { DEFAULT_QUEUE_LIMITS, IngestQueue } from '../ingest/pipeline/ingest-queue.js'
import { inlineBatchParser } from '../ingest/pipeline/inline-parser.js'
import { type BatchParser, ParsePool } from '../ingest/pipeline/parse-pool.js'
import { SourceStats } from '../ingest/pipeline/source-stats.js'
import { SourcesService } from '../ingest/sources.service.js'
import { ResponseMetricsService } from '../metrics/response-metrics.service.js'
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
  exceptions: ExceptionsService
  ruleAlertSettings: RuleAlertSettingsService
  alertQuietMetrics: AlertQuietMetrics
  /** Committed alert changes, fanned out to server-sent-event clients of this node. */
  alertStream: AlertStream
  alertSla: AlertSlaService
  incidents: IncidentsService
  caseItems: CaseItemsService
  rca: RcaService
  reports: ReportService
  responseMetrics: ResponseMetricsService
  evidence: EvidenceService
  templates: TemplatesService
  incidentUpdate: IncidentUpdateService
  brief: BriefService
  briefSchedules: BriefScheduleService
  channels: ChannelsService
  notifyRoutes: RoutesService
  notifications: NotificationsService
}

export type ServicesConfig = Pick<Config, 'sessionTtlHours'> &
  Partial<
    Pick<
      Config,
      | 'ingestQueueMaxEvents'
      | 'ingestQueueMaxBytes'
      | 'ingestParseWorkers'
      | 'rulesDirs'
      | 'unmappedRules'
      | 'secretKey'
      | 'dataDir'
      | 'evidenceMaxBytes'
      | 'reportTemplatesDir'
      | 'alertSla'
    >
  >

/**
 * Parse workers by default only where cores are to spare: one core for the main thread (requests
 * and appends), one for the database's own threads, the rest parse. On two cores both are busy
 * already and a worker only adds the cost of copying records to it and events back (measured:
 * the same events/s, 3 µs more CPU per event; see bench/ingest.bench.ts).
 */
function batchParser(config: ServicesConfig): BatchParser {
  const workers = config.ingestParseWorkers ?? Math.min(4, Math.max(0, availableParallelism() - 2))
  if (workers === 0) return inlineBatchParser(parseRecord)
  return new ParsePool(
    workers,
    Math.min(PARSE_MAX_PENDING_BYTES, config.ingestQueueMaxBytes ?? PARSE_MAX_PENDING_BYTES),
  )
}

/** Bytes of records waiting for a parse worker before senders are held back (like the queue's bound). */
const PARSE_MAX_PENDING_BYTES = 64 * 1024 * 1024

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
      concurrentBatches: store.events.concurrentAppends,
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
  const brief = new BriefService(store)
  const alertStream = new AlertStream()
  const rca = new RcaService(store)
  const evidence = new EvidenceService(
    store,
    new EvidenceFiles(path.join(config.dataDir ?? './data', 'evidence')),
    config.evidenceMaxBytes ?? SETTINGS.evidenceMaxBytes.default,
  )
  return {
    store,
    users: new UsersService(store),
    tokens: new TokensService(store),
    sessions: new SessionsService(store, config.sessionTtlHours * 3_600_000),
    sources,
    ingest: new IngestService(queue, batchParser(config), metrics),
    deadLetters: new DeadLettersService(store, sources, queue, parseRecord),
    metrics,
    sourceStats,
    alerts: new AlertsService(store, notifyRoutes, alertStream),
    alertStream,
    alertSla: new AlertSlaService(store, config.alertSla ?? DEFAULT_SLA_POLICY, {
      notify: notifyRoutes,
      events: alertStream,
      registry: metrics.registry,
    }),
    silences: new SilencesService(store),
    exceptions: new ExceptionsService(store),
    ruleAlertSettings: new RuleAlertSettingsService(store),
    alertQuietMetrics: new AlertQuietMetrics(metrics.registry),
    incidents: new IncidentsService(store),
    caseItems: new CaseItemsService(store),
    templates: new TemplatesService(store),
    incidentUpdate: new IncidentUpdateService(store),
    rca,
    reports: new ReportService(store, rca, new ReportTemplates(config.reportTemplatesDir), evidence),
    responseMetrics: new ResponseMetricsService(store),
    evidence,
    brief,
    briefSchedules: new BriefScheduleService(store, brief),
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
