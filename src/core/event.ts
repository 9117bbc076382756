import { utf8Text } from './utf8-text.js'

/**
 * The normalised event: what every parser produces and what the events table stores.
 * Typed columns hold the common ECS fields so that queries and detection routing do not have to
 * open the JSON; `original` keeps the event as the sender shaped it.
 */
export interface NormalisedEvent {
  /** Event time (ECS `@timestamp`), from the event itself; falls back to the received time. */
  timestamp: Date
  /** When Watchfloor received the event. */
  receivedAt: Date
  /** The named source the event came in through (e.g. `fw-syslog`, `cloudtrail`). */
  source: string
  /** ECS `event.dataset`, e.g. `windows.sysmon`, `aws.cloudtrail`, `zeek.conn`. */
  dataset: string | null
  /** ECS `event.code`: Windows EventID, CloudTrail eventName, … */
  eventCode: string | null
  hostName: string | null
  userName: string | null
  sourceIp: string | null
  destinationIp: string | null
  processName: string | null
  processCommandLine: string | null
  /** ECS-shaped view of the event (`event`, `host`, `user`, `source`, `process`, `file`, `url` …). */
  ecs: Record<string, unknown>
  /** The event as received, parsed as JSON (or `{ message }` for a text line). */
  original: Record<string, unknown>
  /**
   * The original as JSON text, when the parser already has it (a JSON line as received): stored
   * as is, byte for byte, and it spares the ingest path a second JSON.stringify.
   */
  originalJson?: string
  /**
   * What the input's envelope said about the event beyond its content (Splunk HEC `sourcetype`,
   * `source`, `index` and indexed fields; an Elasticsearch bulk action's `_index` and `_id`).
   */
  labels?: Record<string, string>
}

/**
 * What the events table keeps of an event: the typed columns, the labels and the original, as
 * JSON text or as an object still to be serialised. The ECS view is not stored; dropping it (and
 * the parsed original) before an event leaves a parse worker keeps the copy back to the main
 * thread small. A NormalisedEvent is a StoredEvent.
 */
export type StoredEvent = Omit<NormalisedEvent, 'ecs' | 'original'> & {
  original?: Record<string, unknown>
  /**
   * The original's JSON text as UTF-8 bytes, in place of `originalJson`: a view into the request
   * body for an NDJSON line or into the bytes of a syslog message (its JSON payload, the header in
   * `originalBytesSuffix`), else encoded as soon as the event is parsed (IngestService). An
   * event waits in memory until its batch commits (hundreds of milliseconds under load): held as
   * a JS string, each 3 KB original survived the young generation and was copied and promoted by
   * the garbage collector; held as bytes it stays off the JS heap, and PostgreSQL's COPY takes
   * the bytes as they are. Parsing, holding 8,000 OTRF events and encoding them for COPY took
   * 28-37 µs of CPU per event with strings, 17-20 with bytes.
   */
  originalBytes?: Uint8Array
  /**
   * ASCII text that follows `originalBytes` in the original: a syslog message's header, added to
   * its JSON payload, whose bytes stay a view of the bytes received (see `OriginalSplice`).
   */
  originalBytesSuffix?: string
}

/** The stored original as JSON text, whichever form the event holds it in. */
export function storedOriginalText(event: StoredEvent): string {
  if (event.originalJson !== undefined) return event.originalJson
  if (event.originalBytes !== undefined)
    return utf8Text(event.originalBytes) + (event.originalBytesSuffix ?? '')
  return JSON.stringify(event.original)
}

/**
 * The stored part of an event, with its original as JSON text, or as `originalBytes` when given
 * (the bytes the event's `originalJson` was decoded from).
 */
export function toStoredEvent(event: NormalisedEvent, originalBytes?: Uint8Array): StoredEvent {
  const stored: StoredEvent = {
    timestamp: event.timestamp,
    receivedAt: event.receivedAt,
    source: event.source,
    dataset: event.dataset,
    eventCode: event.eventCode,
    hostName: event.hostName,
    userName: event.userName,
    sourceIp: event.sourceIp,
    destinationIp: event.destinationIp,
    processName: event.processName,
    processCommandLine: event.processCommandLine,
    originalJson:
      originalBytes === undefined ? (event.originalJson ?? JSON.stringify(event.original)) : undefined,
    originalBytes,
  }
  if (event.labels) stored.labels = event.labels
  return stored
}
