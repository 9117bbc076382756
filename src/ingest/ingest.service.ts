import type { StoredEvent } from '../core/event.js'
import type { SourceRow } from '../store/schema.js'
import { framingContext, type RecordFraming } from './framing.js'
import type { IngestMetrics } from './ingest.metrics.js'
import type { NewDeadLetter } from './pipeline/dead-letter.js'
import { type IngestQueue, QueueFullError } from './pipeline/ingest-queue.js'
import type { BatchParser } from './pipeline/parse-pool.js'

/** One record as an input received it, and where it was in that input (for error messages). */
export interface RawRecord {
  /** Text, UTF-8 bytes of text (decoded when parsed), or a JSON object already parsed. */
  raw: string | Uint8Array | Record<string, unknown>
  /** e.g. `line 12`, `item 3`, `record 7`. */
  location: string
  /** What the input's own framing says about the record, beyond its content. */
  framing?: RecordFraming
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
 * The ingest path shared by every input: parse each record with the source's parser (in parse
 * workers when the node has them), keep what fails as a dead letter with its reason, and resolve
 * only once everything is committed.
 */
export class IngestService {
  constructor(
    readonly queue: IngestQueue,
    private readonly parser: BatchParser,
    private readonly metrics: IngestMetrics,
  ) {}

  async submit(request: SubmitRequest): Promise<SubmitResult> {
    const receivedAt = request.receivedAt ?? new Date()
    const { source } = request
    if (!this.parser.hasSpace()) {
      if (request.whenFull === 'wait') await this.parser.whenSpace()
      else {
        this.metrics.rejected.inc({ input: request.input })
        throw new QueueFullError(1)
      }
    }
    const outcomes = await this.parser.parse(
      {
        records: request.records,
        source: { name: source.name, parser: source.parser, timezone: source.timezone },
        receivedAt,
      },
      request.bytes,
    )
    const events: StoredEvent[] = []
    const deadLetters: NewDeadLetter[] = []
    const records: RecordResult[] = new Array(outcomes.length)
    for (let index = 0; index < outcomes.length; index++) {
      const outcome = outcomes[index]!
      if ('events' in outcome) {
        for (const event of outcome.events) events.push(asBytesOriginal(event))
        records[index] = { ok: true, events: outcome.events.length }
        continue
      }
      const record = request.records[index]!
      records[index] = { ok: false, reason: outcome.reason }
      deadLetters.push({
        receivedAt,
        source: source.name,
        parser: source.parser,
        input: request.input,
        reason: outcome.reason,
        location: record.location,
        raw:
          typeof record.raw === 'string' || record.raw instanceof Uint8Array
            ? record.raw
            : JSON.stringify(record.raw),
        ...(record.framing && !record.framing.rejected ? { context: framingContext(record.framing) } : {}),
      })
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

  /** Stops the parse workers (after the batches they hold). */
  close(): Promise<void> {
    return this.parser.close()
  }
}

/**
 * The event with its original JSON text held as UTF-8 bytes (see `StoredEvent.originalBytes`):
 * a HEC event, a line parsed in a worker, a non-ASCII syslog payload with its header… The text
 * is encoded once here instead of in the COPY to PostgreSQL, and it no longer waits for the
 * commit on the JS heap.
 */
function asBytesOriginal(event: StoredEvent): StoredEvent {
  if (event.originalJson === undefined) return event
  event.originalBytes = Buffer.from(event.originalJson, 'utf8')
  event.originalJson = undefined
  return event
}
