import type { EventDraft } from '../normalise/event-draft.js'
import type { JsonObject } from '../normalise/values.js'

export type { JsonObject }

/** What every parser is given beside the record. */
export interface ParseContext {
  /** IANA zone for times written without one (the source's setting; `UTC` by default). */
  timezone: string
  receivedAt: Date
}

/** A record that cannot be parsed: the reason is shown to the person reading the dead letter. */
export interface ParseFailure {
  error: { reason: string; path?: string }
}

export type ParserResult = EventDraft | EventDraft[] | ParseFailure

/**
 * One log format. A parser reads JSON objects, text lines, or both; a record of the other kind
 * is refused with a clear reason.
 */
export interface Parser {
  readonly name: string
  /** One line for `parserNames()` listings and the console. */
  readonly summary: string
  parseObject?(record: JsonObject, context: ParseContext): ParserResult
  parseText?(line: string, context: ParseContext): ParserResult
}

export function failure(reason: string, path?: string): ParseFailure {
  return path === undefined ? { error: { reason } } : { error: { reason, path } }
}

export function isFailure(result: ParserResult): result is ParseFailure {
  return 'error' in result
}
