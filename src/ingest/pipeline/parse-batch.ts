import { isAscii } from 'node:buffer'
import { type NormalisedEvent, type StoredEvent, toStoredEvent } from '../../core/event.js'
import { utf8Text } from '../../core/utf8-text.js'
import { applyFraming, type RecordFraming } from '../framing.js'
import { AUTO_PARSER } from '../parsers/registry.js'
import type { OriginalSplice, ParseRecord } from './parse-port.js'

/** One submission's records and what the source says about reading them. */
export interface ParseBatchRequest {
  records: ReadonlyArray<{
    /** Text, UTF-8 bytes of text, or a parsed JSON object (see `RawRecord`). */
    raw: string | Uint8Array | Record<string, unknown>
    framing?: RecordFraming | undefined
  }>
  source: { name: string; parser: string; timezone?: string | null | undefined }
  receivedAt: Date
}

/** Per record: the events to store, or why it cannot be read (it becomes a dead letter). */
export type RecordOutcome = { events: StoredEvent[] } | { reason: string }

/**
 * Parses each record with the source's parser (or the one its framing points at when the source
 * detects), fills what the parser left empty from the framing, and keeps only what is stored.
 */
export function parseRecords(parse: ParseRecord, request: ParseBatchRequest): RecordOutcome[] {
  const { source, receivedAt } = request
  const outcomes: RecordOutcome[] = new Array(request.records.length)
  for (let index = 0; index < request.records.length; index++) {
    const record = request.records[index]!
    const framing = record.framing
    if (framing?.rejected) {
      outcomes[index] = { reason: framing.rejected }
      continue
    }
    // Bytes are decoded here and the text dropped after parsing: only the bytes wait for the commit.
    const bytes = record.raw instanceof Uint8Array ? record.raw : undefined
    const raw = bytes === undefined ? (record.raw as string | Record<string, unknown>) : utf8Text(bytes)
    const outcome = parse({
      raw,
      source: source.name,
      parser: source.parser === AUTO_PARSER ? (framing?.parser ?? source.parser) : source.parser,
      receivedAt,
      timezone: source.timezone ?? undefined,
    })
    if ('events' in outcome) {
      const events: StoredEvent[] = new Array(outcome.events.length)
      for (let at = 0; at < events.length; at++) {
        const event = outcome.events[at]!
        if (framing) applyFraming(event, framing, receivedAt)
        events[at] = storedEvent(event, bytes, raw, outcome.splice)
      }
      outcomes[index] = { events }
    } else {
      const { path, reason } = outcome.error
      outcomes[index] = { reason: path ? `${path}: ${reason}` : reason }
    }
  }
  return outcomes
}

/** The stored event, its original kept as the record's bytes, or part of them, where it can be. */
function storedEvent(
  event: NormalisedEvent,
  bytes: Uint8Array | undefined,
  raw: unknown,
  splice: OriginalSplice | undefined,
): StoredEvent {
  if (bytes === undefined) return toStoredEvent(event)
  if (event.originalJson === raw) return toStoredEvent(event, bytes)
  if (splice === undefined || !spliceable(bytes, splice)) return toStoredEvent(event)
  const stored = toStoredEvent(event, bytes.subarray(splice.start, splice.end))
  stored.originalBytesSuffix = splice.suffix
  return stored
}

/**
 * Can the spliced original be the record's bytes from `start` to `end`, then the suffix? Only
 * where the text's offsets are byte offsets (ASCII bytes) and the suffix is ASCII too; otherwise
 * the text is encoded later.
 */
function spliceable(bytes: Uint8Array, { end, suffix }: OriginalSplice): boolean {
  return bytes[end] === CLOSING_BRACE && !NOT_PRINTABLE_ASCII.test(suffix) && isAscii(bytes)
}

const CLOSING_BRACE = 0x7d
/** JSON.stringify escapes control characters: an ASCII suffix is printable ASCII. */
const NOT_PRINTABLE_ASCII = /[^ -~]/
