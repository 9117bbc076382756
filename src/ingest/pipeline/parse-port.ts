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
  | { events: NormalisedEvent[] }
  | { error: { reason: string; path?: string | undefined } }

export type ParseRecord = (input: ParseInput) => ParseOutcome
