import type { NormalisedEvent } from '../core/event.js'
import type { SourceRow } from '../store/schema.js'
import type { IngestMetrics } from './ingest.metrics.js'
import { AUTO_PARSER } from './parsers/registry.js'
import type { NewDeadLetter } from './pipeline/dead-letter.js'
import type { IngestQueue } from './pipeline/ingest-queue.js'
import type { ParseRecord } from './pipeline/parse-port.js'

/** One record as an input received it, and where it was in that input (for error messages). */
export interface RawRecord {
  raw: string | Record<string, unknown>
  /** e.g. `line 12`, `item 3`, `record 7`. */
  location: string
  /** What the input's own framing says about the record, beyond its content. */
  framing?: RecordFraming
}

/**
 * Inputs with an envelope (Splunk HEC's `time` and `host`, OTLP's resource) know things the
 * record itself may not say; a bulk API knows when a record cannot be a document at all.
 */
export interface RecordFraming {
  /** Fill the event where the parser found nothing (its timestamp fell back to the received time). */
  defaults?: { timestamp?: Date; hostName?: string }
  /** The content is unusable before any parsing: kept as a dead letter with this reason. */
  rejected?: string
  /** Envelope metadata kept beside the event (HEC `sourcetype`, bulk `_id` …). */
  labels?: Record<string, string>
  /** The parser the envelope points at (a Splunk sourcetype), used when the source's is `auto`. */
  parser?: string
}

export type RecordResult = { ok: true; events: number } | { ok: false; reason: string }

export interface SubmitResult {
  /** Events committed. */
  accepted: number
  /** Records kept in the dead-letter table instead. */
  deadLettered: number
  /** One entry per record, in order. */
  records: RecordResult[]
  seqs: number[]
}

export interface SubmitRequest {
  source: SourceRow
  /** Which input: http, bulk, hec, otlp, syslog, file, replay. */
  input: string
  records: readonly RawRecord[]
  bytes: number
  receivedAt?: Date
  /** `refuse` answers QueueFullError at once (HTTP 429); `wait` waits for room (stream inputs, imports). */
  whenFull?: 'refuse' | 'wait'
}

/**
 * The ingest path shared by every input: parse each record with the source's parser, keep what
 * fails as a dead letter with its reason, and resolve only once everything is committed.
 */
export class IngestService {
  constructor(
    readonly queue: IngestQueue,
    private readonly parse: ParseRecord,
    private readonly metrics: IngestMetrics,
  ) {}

  async submit(request: SubmitRequest): Promise<SubmitResult> {
    const receivedAt = request.receivedAt ?? new Date()
    const { source } = request
    const events: NormalisedEvent[] = []
    const deadLetters: NewDeadLetter[] = []
    const records: RecordResult[] = []
    for (const record of request.records) {
      const outcome = record.framing?.rejected
        ? { error: { reason: record.framing.rejected, path: undefined } }
        : this.parse({
            raw: record.raw,
            source: source.name,
            parser: source.parser === AUTO_PARSER ? (record.framing?.parser ?? source.parser) : source.parser,
            receivedAt,
            timezone: source.timezone,
          })
      if ('events' in outcome) {
        for (const event of outcome.events) {
          if (record.framing) applyFraming(event, record.framing, receivedAt)
          events.push(event)
        }
        records.push({ ok: true, events: outcome.events.length })
      } else {
        const reason = outcome.error.path
          ? `${outcome.error.path}: ${outcome.error.reason}`
          : outcome.error.reason
        records.push({ ok: false, reason })
        deadLetters.push({
          receivedAt,
          source: source.name,
          parser: source.parser,
          input: request.input,
          reason,
          location: record.location,
          raw: typeof record.raw === 'string' ? record.raw : JSON.stringify(record.raw),
          ...(record.framing && !record.framing.rejected ? { context: framingContext(record.framing) } : {}),
        })
      }
    }
    this.metrics.bytes.inc({ source: source.name }, request.bytes)
    const submission = { events, deadLetters, bytes: request.bytes }
    try {
      const { seqs } =
        request.whenFull === 'wait'
          ? await this.queue.offerWhenSpace(submission)
          : await this.queue.offer(submission)
      this.metrics.events.inc({ source: source.name }, events.length)
      if (deadLetters.length > 0) this.metrics.parseErrors.inc({ source: source.name }, deadLetters.length)
      return { accepted: events.length, deadLettered: deadLetters.length, records, seqs }
    } catch (error) {
      if ((error as { code?: string }).code === 'ingest_queue_full')
        this.metrics.rejected.inc({ input: request.input })
      throw error
    }
  }
}

/** Fills what the parser left empty from the input's framing, and keeps its labels beside the event. */
export function applyFraming(event: NormalisedEvent, framing: RecordFraming, receivedAt: Date): void {
  if (framing.defaults) fillDefaults(event, framing.defaults, receivedAt)
  if (framing.labels) event.labels = framing.labels
}

/** Fills what the parser left empty from the input's framing, in the typed fields and the ECS view. */
function fillDefaults(
  event: NormalisedEvent,
  defaults: NonNullable<RecordFraming['defaults']>,
  receivedAt: Date,
): void {
  if (defaults.timestamp && event.timestamp.getTime() === receivedAt.getTime()) {
    event.timestamp = defaults.timestamp
    if ('@timestamp' in event.ecs) event.ecs['@timestamp'] = defaults.timestamp
  }
  if (defaults.hostName && event.hostName === null) {
    event.hostName = defaults.hostName
    const host = event.ecs.host
    event.ecs.host =
      host !== null && typeof host === 'object'
        ? { ...host, name: defaults.hostName }
        : { name: defaults.hostName }
  }
}

/** The framing a dead letter keeps, so that a replay after a parser fix treats it as the live input did. */
export function framingContext(framing: RecordFraming): Record<string, unknown> {
  const { defaults, labels, parser } = framing
  return {
    framing: {
      ...(defaults
        ? {
            defaults: {
              ...(defaults.timestamp ? { timestamp: defaults.timestamp.toISOString() } : {}),
              ...(defaults.hostName ? { hostName: defaults.hostName } : {}),
            },
          }
        : {}),
      ...(labels ? { labels } : {}),
      ...(parser ? { parser } : {}),
    },
  }
}

/** The inverse of framingContext, for a dead letter's stored context (anything else is ignored). */
export function framingFromContext(context: unknown): RecordFraming | undefined {
  if (context === null || typeof context !== 'object') return undefined
  const framing = (context as { framing?: unknown }).framing
  if (framing === null || typeof framing !== 'object') return undefined
  const { defaults, labels, parser } = framing as Record<string, unknown>
  const result: RecordFraming = {}
  if (defaults !== null && typeof defaults === 'object') {
    const { timestamp, hostName } = defaults as Record<string, unknown>
    result.defaults = {
      ...(typeof timestamp === 'string' ? { timestamp: new Date(timestamp) } : {}),
      ...(typeof hostName === 'string' ? { hostName } : {}),
    }
  }
  if (labels !== null && typeof labels === 'object')
    result.labels = Object.fromEntries(
      Object.entries(labels).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    )
  if (typeof parser === 'string') result.parser = parser
  return result
}
