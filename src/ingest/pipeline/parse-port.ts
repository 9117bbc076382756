import type { NormalisedEvent } from '../../core/event.js'

/** What the parsers (src/ingest/parsers) offer the pipeline: one record in, events or a reason out. */
export interface ParseInput {
  raw: string | Record<string, unknown>
  source: string
  /** The source's parser; `auto` or undefined detects it from the content. */
  parser?: string | undefined
  receivedAt: Date
  timezone?: string | undefined
}

export type ParseOutcome =
  | {
      events: NormalisedEvent[]
      /** Where the one event's `originalJson` comes from in the record's text, when it is a splice. */
      splice?: OriginalSplice
    }
  | { error: { reason: string; path?: string | undefined } }

/**
 * An event's `originalJson` that is the record's own text from `start` to `end`, then `suffix`
 * (a syslog message's JSON payload with its header added before the closing brace): where the
 * record came as bytes, the stored event keeps a view of those bytes and the suffix instead of
 * the text (see `StoredEvent.originalBytesSuffix`).
 */
export interface OriginalSplice {
  start: number
  end: number
  suffix: string
}

export type ParseRecord = (input: ParseInput) => ParseOutcome
