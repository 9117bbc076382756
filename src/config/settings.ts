import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { DEFAULT_SLA_POLICY, type SlaPolicy, slaPolicySchema } from '../alerts/sla-policy.js'
import { MEMORY_SIZE } from '../core/memory-size.js'

/**
 * Every setting in one place: its key in the YAML file, its environment variable, a zod schema,
 * a default and one line of documentation. `watchfloor config check --list` prints this table.
 * A setting marked `secret` may also be read from the file named by `<ENV>_FILE`.
 */
export interface SettingDefinition<T = unknown> {
  key: string
  env: string
  schema: z.ZodType<T>
  default: T
  doc: string
  secret?: boolean
}

/** The rule pack shipped with Watchfloor (`rules/` at the package root, from src/ or dist/). */
export const BUNDLED_RULES_DIR = fileURLToPath(new URL('../../rules', import.meta.url))

const port = z.coerce.number().int().min(0).max(65_535)
const positiveInt = z.coerce.number().int().positive()
const bool = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v)),
])
export const NODE_ROLES = ['web', 'ingest', 'detect', 'worker'] as const
export type NodeRole = (typeof NODE_ROLES)[number]
const roles = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)
      : value,
  z.array(z.enum(NODE_ROLES)).min(1),
)

/** A JSON value given as text (an environment variable); anything else is passed through as is. */
function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value
  try {
    return JSON.parse(value) as unknown
  } catch {
    return value
  }
}

function define<T>(definition: SettingDefinition<T>): SettingDefinition<T> {
  return definition
}

export const SETTINGS = {
  host: define({
    key: 'server.host',
    env: 'WATCHFLOOR_HOST',
    schema: z.string().min(1),
    default: '127.0.0.1',
    doc: 'Address the HTTP server listens on (0.0.0.0 for every interface).',
  }),
  port: define({
    key: 'server.port',
    env: 'WATCHFLOOR_PORT',
    schema: port,
    default: 8470,
    doc: 'HTTP port for the API and the console (0 picks a free port).',
  }),
  publicUrl: define({
    key: 'server.publicUrl',
    env: 'WATCHFLOOR_PUBLIC_URL',
    schema: z.url().optional(),
    default: undefined,
    doc: 'Address people use to reach the console, for links in notifications.',
  }),
  bodyLimitBytes: define({
    key: 'server.bodyLimitBytes',
    env: 'WATCHFLOOR_BODY_LIMIT_BYTES',
    schema: positiveInt,
    default: 10 * 1024 * 1024,
    doc: 'Largest accepted request body in bytes; larger bodies get 413.',
  }),
  trustProxy: define({
    key: 'server.trustProxy',
    env: 'WATCHFLOOR_TRUST_PROXY',
    schema: bool,
    default: false,
    doc: 'Trust X-Forwarded-For from a reverse proxy for client addresses.',
  }),
  shutdownTimeoutMs: define({
    key: 'server.shutdownTimeoutMs',
    env: 'WATCHFLOOR_SHUTDOWN_TIMEOUT_MS',
    schema: positiveInt,
    default: 15_000,
    doc: 'How long SIGTERM waits for in-flight requests and pending writes.',
  }),
  roles: define({
    key: 'node.roles',
    env: 'WATCHFLOOR_ROLES',
    schema: roles,
    default: [...NODE_ROLES],
    doc: 'Roles this node runs: web, ingest, detect, worker (comma-separated).',
  }),
  dataDir: define({
    key: 'storage.dataDir',
    env: 'WATCHFLOOR_DATA_DIR',
    schema: z.string().min(1),
    default: './data',
    doc: 'Folder for the embedded database and uploaded files.',
  }),
  duckdbMemoryLimit: define({
    key: 'storage.duckdbMemoryLimit',
    env: 'WATCHFLOOR_DUCKDB_MEMORY_LIMIT',
    schema: z.string().regex(MEMORY_SIZE, 'must be a size such as 2GB or 512MiB').optional(),
    default: undefined,
    doc: "Most memory the embedded DuckDB database may use (e.g. 2GB); larger work spills to disk. Unset: DuckDB's default, 80% of the machine's memory.",
  }),
  databaseUrl: define({
    key: 'storage.databaseUrl',
    env: 'WATCHFLOOR_DATABASE_URL',
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    default: undefined,
    doc: 'PostgreSQL URL; when unset the embedded DuckDB database in dataDir is used.',
    secret: true,
  }),
  databasePoolSize: define({
    key: 'storage.poolSize',
    env: 'WATCHFLOOR_DATABASE_POOL_SIZE',
    schema: positiveInt,
    default: 10,
    doc: 'PostgreSQL connections per node.',
  }),
  retentionDays: define({
    key: 'storage.retentionDays',
    env: 'WATCHFLOOR_RETENTION_DAYS',
    schema: positiveInt,
    default: 30,
    doc: 'Events older than this many days are dropped.',
  }),
  ingestBodyLimitBytes: define({
    key: 'ingest.bodyLimitBytes',
    env: 'WATCHFLOOR_INGEST_BODY_LIMIT_BYTES',
    schema: positiveInt,
    default: 64 * 1024 * 1024,
    doc: 'Largest ingest request body (before decompression); larger ones get 413.',
  }),
  ingestQueueMaxEvents: define({
    key: 'ingest.queueMaxEvents',
    env: 'WATCHFLOOR_INGEST_QUEUE_MAX_EVENTS',
    schema: positiveInt,
    default: 200_000,
    doc: 'Events accepted but not yet committed before senders get 429 or backpressure.',
  }),
  ingestQueueMaxBytes: define({
    key: 'ingest.queueMaxBytes',
    env: 'WATCHFLOOR_INGEST_QUEUE_MAX_BYTES',
    schema: positiveInt,
    default: 256 * 1024 * 1024,
    doc: 'Bytes of input accepted but not yet committed (bounds memory).',
  }),
  ingestParseWorkers: define({
    key: 'ingest.parseWorkers',
    env: 'WATCHFLOOR_INGEST_PARSE_WORKERS',
    schema: z.coerce.number().int().min(0).max(64).optional(),
    default: undefined,
    doc: 'Worker threads that parse incoming records beside the main thread; 0 parses on the main thread. Default: the number of cores less two, at most 4 (none on two cores).',
  }),
  syslogUdpPort: define({
    key: 'syslog.udpPort',
    env: 'WATCHFLOOR_SYSLOG_UDP_PORT',
    schema: port.optional(),
    default: undefined,
    doc: 'UDP port for syslog (RFC 5424/3164); unset turns it off. 514 needs root: 5514 is usual.',
  }),
  syslogTcpPort: define({
    key: 'syslog.tcpPort',
    env: 'WATCHFLOOR_SYSLOG_TCP_PORT',
    schema: port.optional(),
    default: undefined,
    doc: 'TCP port for syslog, newline or octet-counted framing (RFC 6587); unset turns it off.',
  }),
  syslogTlsPort: define({
    key: 'syslog.tlsPort',
    env: 'WATCHFLOOR_SYSLOG_TLS_PORT',
    schema: port.optional(),
    default: undefined,
    doc: 'TLS port for syslog (RFC 5425); needs syslog.tlsCertFile and syslog.tlsKeyFile.',
  }),
  syslogTlsCertFile: define({
    key: 'syslog.tlsCertFile',
    env: 'WATCHFLOOR_SYSLOG_TLS_CERT_FILE',
    schema: z.string().optional(),
    default: undefined,
    doc: 'PEM certificate for the syslog TLS listener.',
  }),
  syslogTlsKeyFile: define({
    key: 'syslog.tlsKeyFile',
    env: 'WATCHFLOOR_SYSLOG_TLS_KEY_FILE',
    schema: z.string().optional(),
    default: undefined,
    doc: 'PEM private key for the syslog TLS listener.',
  }),
  syslogSource: define({
    key: 'syslog.source',
    env: 'WATCHFLOOR_SYSLOG_SOURCE',
    schema: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/),
    default: 'syslog',
    doc: 'Source name syslog events are stored under.',
  }),
  rulesDirs: define({
    key: 'detect.rulesDirs',
    env: 'WATCHFLOOR_RULES_DIRS',
    schema: z.preprocess(
      (value) =>
        typeof value === 'string'
          ? value
              .split(',')
              .map((part) => part.trim())
              .filter(Boolean)
          : value,
      z.array(z.string().min(1)),
    ),
    default: [BUNDLED_RULES_DIR],
    doc: 'Folders of Sigma rules the detect role runs (comma-separated; SigmaHQ layout works as is). Default: the bundled pack.',
  }),
  secretKey: define({
    key: 'security.secretKey',
    env: 'WATCHFLOOR_SECRET_KEY',
    schema: z
      .string()
      .refine(
        (value) => /^[0-9a-fA-F]{64}$/.test(value) || Buffer.from(value, 'base64').length === 32,
        'must be 32 bytes, as 64 hex digits or base64',
      )
      .optional(),
    default: undefined,
    doc: 'Key (32 bytes, hex or base64) sealing stored secrets such as channel URLs and passwords; generated into dataDir/secret.key when unset. Nodes sharing a database need the same key.',
    secret: true,
  }),
  notifyFloodThreshold: define({
    key: 'notify.floodThreshold',
    env: 'WATCHFLOOR_NOTIFY_FLOOD_THRESHOLD',
    schema: positiveInt,
    default: 20,
    doc: 'More new-alert notifications than this pending for one channel within a minute go out as one digest.',
  }),
  notifyLeaseMs: define({
    key: 'notify.leaseMs',
    env: 'WATCHFLOOR_NOTIFY_LEASE_MS',
    schema: positiveInt,
    default: 60_000,
    doc: "How long a worker holds a notification it is delivering; a dead worker's rows go to another after it.",
  }),
  notifyMaxAttempts: define({
    key: 'notify.maxAttempts',
    env: 'WATCHFLOOR_NOTIFY_MAX_ATTEMPTS',
    schema: positiveInt,
    default: 8,
    doc: 'Delivery attempts before a notification is marked failed.',
  }),
  notifyRetryBaseMs: define({
    key: 'notify.retryBaseMs',
    env: 'WATCHFLOOR_NOTIFY_RETRY_BASE_MS',
    schema: positiveInt,
    default: 10_000,
    doc: 'First retry delay; each retry doubles it (with jitter) up to notify.retryMaxMs.',
  }),
  notifyRetryMaxMs: define({
    key: 'notify.retryMaxMs',
    env: 'WATCHFLOOR_NOTIFY_RETRY_MAX_MS',
    schema: positiveInt,
    default: 3_600_000,
    doc: 'Longest delay between two delivery attempts.',
  }),
  notifyPollMs: define({
    key: 'notify.pollMs',
    env: 'WATCHFLOOR_NOTIFY_POLL_MS',
    schema: positiveInt,
    default: 1_000,
    doc: 'How often an idle delivery worker looks for due notifications.',
  }),
  notifyConcurrency: define({
    key: 'notify.concurrency',
    env: 'WATCHFLOOR_NOTIFY_CONCURRENCY',
    schema: positiveInt,
    default: 8,
    doc: 'Deliveries one worker process runs at once.',
  }),
  evidenceMaxBytes: define({
    key: 'cases.evidenceMaxBytes',
    env: 'WATCHFLOOR_EVIDENCE_MAX_BYTES',
    schema: positiveInt,
    default: 4 * 1024 * 1024 * 1024,
    doc: 'Largest evidence file accepted, in bytes; larger uploads get 413 and nothing is kept.',
  }),
  reportTemplatesDir: define({
    key: 'cases.reportTemplatesDir',
    env: 'WATCHFLOOR_REPORT_TEMPLATES_DIR',
    schema: z.string().min(1).optional(),
    default: undefined,
    doc: "Folder of the team's report templates (incident.md.eta, rca.md.eta); a missing file falls back to the bundled one.",
  }),
  unmappedRules: define({
    key: 'detect.unmappedRules',
    env: 'WATCHFLOOR_DETECT_UNMAPPED_RULES',
    schema: z.enum(['always', 'never']),
    default: 'always' as 'always' | 'never',
    doc: 'Run rules whose log source has no mapping on every event (always) or never; never is cheaper with the whole SigmaHQ tree.',
  }),
  logLevel: define({
    key: 'log.level',
    env: 'WATCHFLOOR_LOG_LEVEL',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
    doc: 'Log level of the JSON logs written to stdout.',
  }),
  sessionTtlHours: define({
    key: 'auth.sessionTtlHours',
    env: 'WATCHFLOOR_SESSION_TTL_HOURS',
    schema: positiveInt,
    default: 12,
    doc: 'Console sessions expire after this many hours.',
  }),
  secureCookies: define({
    key: 'auth.secureCookies',
    env: 'WATCHFLOOR_SECURE_COOKIES',
    schema: bool,
    default: false,
    doc: 'Mark session cookies Secure (turn on when served over HTTPS).',
  }),
  alertSla: define({
    key: 'alerts.sla',
    env: 'WATCHFLOOR_ALERT_SLA',
    schema: z.preprocess(parseJsonText, slaPolicySchema) as z.ZodType<SlaPolicy>,
    default: DEFAULT_SLA_POLICY,
    doc: 'Default SLA policy (JSON in the environment): ack/close targets per severity (critical 15m/4h, high 1h/24h, medium 4h/72h, low 24h/7d, info 72h/30d), atRiskFraction, businessHours; PUT /api/v1/alerts/sla/policy overrides it.',
  }),
  alertSlaCheckMs: define({
    key: 'alerts.slaCheckMs',
    env: 'WATCHFLOOR_ALERT_SLA_CHECK_MS',
    schema: positiveInt,
    default: 15_000,
    doc: 'How often a worker looks for SLA breaches (and gives new alerts their due times).',
  }),
  adminPassword: define({
    key: 'auth.adminPassword',
    env: 'WATCHFLOOR_ADMIN_PASSWORD',
    schema: z.string().min(12, 'must be at least 12 characters').optional(),
    default: undefined,
    doc: 'Password for the first admin on an empty database; a random one is printed when unset.',
    secret: true,
  }),
} as const

type Settings = typeof SETTINGS
export type Config = { [K in keyof Settings]: Settings[K] extends SettingDefinition<infer T> ? T : never }
