import type { NormalisedEvent } from '../../core/event.js'
import { buildEvent, type EventContext } from '../normalise/build-event.js'
import type { EventDraft } from '../normalise/event-draft.js'
import { pickTime } from '../normalise/generic-fields.js'
import { isValidTimeZone } from '../normalise/timezone.js'
import { isObject, type JsonObject } from '../normalise/values.js'
import type { OriginalSplice, ParseInput, ParseOutcome } from '../pipeline/parse-port.js'
import { detectObjectParserName, detectTextParserName } from './detect-parser.js'
import {
  checkLineLength,
  checkStructure,
  jsonTextIsWithinLimits,
  type ParseLimits,
  resolveLimits,
} from './limits.js'
import { AUTO_PARSER, getParser, parserNames } from './registry.js'
import { failure, type ParseContext, type ParseFailure, type Parser, type ParserResult } from './types.js'

export interface ParseOptions {
  /** Per-record limits; defaults: 1 MiB, depth 32, 10,000 fields, 256 KiB per field. */
  limits?: Partial<ParseLimits>
}

const DEFAULT_ZONE = 'UTC'
const knownZones = new Set<string>([DEFAULT_ZONE])

function checkZone(zone: string): ParseFailure | null {
  if (knownZones.has(zone)) return null
  if (!isValidTimeZone(zone))
    return failure(`unknown time zone "${zone}" (an IANA name such as Europe/Paris is expected)`)
  knownZones.add(zone)
  return null
}

function trimLineEnd(text: string): string {
  let end = text.length
  while (end > 0) {
    const code = text.charCodeAt(end - 1)
    if (code !== 10 && code !== 13) break
    end--
  }
  return end === text.length ? text : text.slice(0, end)
}

function firstNonSpace(text: string): number {
  let index = 0
  while (index < text.length && text.charCodeAt(index) <= 32) index++
  return index
}

/** A parser that found no time of its own tries the usual time fields (`p_event_time`, `timestamp` …). */
function fillMissingTime(draft: EventDraft, context: ParseContext): void {
  if (draft.timestamp === null)
    draft.timestamp = pickTime(draft.original, context.timezone, context.receivedAt)
}

function runParser(parser: Parser, run: () => ParserResult, context: ParseContext): ParserResult {
  try {
    const result = run()
    if (Array.isArray(result)) for (const draft of result) fillMissingTime(draft, context)
    else if (!('error' in result)) fillMissingTime(result, context)
    return result
  } catch (error) {
    // A parser bug must not take the batch down: the record is dead-lettered with the reason.
    return failure(`parser ${parser.name} failed on this record: ${(error as Error).message}`)
  }
}

function toOutcome(
  result: ParserResult,
  context: EventContext,
  originalJson?: string,
  parsed?: JsonObject,
): ParseOutcome {
  if ('error' in result) return result
  if (!Array.isArray(result)) {
    return { events: [buildEvent(result, context, result.original === parsed ? originalJson : undefined)] }
  }
  const events: NormalisedEvent[] = new Array(result.length)
  for (let index = 0; index < result.length; index++) events[index] = buildEvent(result[index]!, context)
  return { events }
}

function parseObjectRecord(record: JsonObject, named: Parser | null, context: ParseContext): ParserResult {
  const parser = named ?? getParser(detectObjectParserName(record))!
  if (parser.parseObject !== undefined)
    return runParser(parser, () => parser.parseObject!(record, context), context)
  // A text format shipped inside JSON (Filebeat, Vector: { "message": "<34>Oct 11 …" }).
  const message = record.message
  if (parser.parseText !== undefined && typeof message === 'string') {
    const result = runParser(parser, () => parser.parseText!(message, context), context)
    if (!('error' in result) && !Array.isArray(result)) result.original = { ...result.original, ...record }
    return result
  }
  return failure(
    `parser ${parser.name} reads text lines; this record is a JSON object without a "message" text`,
  )
}

function parseArray(items: unknown[], named: Parser | null, context: ParseContext): ParserResult {
  const drafts: EventDraft[] = []
  for (let index = 0; index < items.length; index++) {
    const item = items[index]
    if (!isObject(item)) return failure('every item of a JSON array record must be an object', `[${index}]`)
    const result = parseObjectRecord(item, named, context)
    if ('error' in result) {
      const path = result.error.path === undefined ? `[${index}]` : `[${index}].${result.error.path}`
      return failure(result.error.reason, path)
    }
    if (Array.isArray(result)) drafts.push(...result)
    else drafts.push(result)
  }
  return drafts
}

function parseText(
  raw: string,
  named: Parser | null,
  context: ParseContext,
  eventContext: EventContext,
  limits: ParseLimits,
): ParseOutcome {
  const tooLong = checkLineLength(raw, limits)
  if (tooLong !== null) return tooLong
  const text = trimLineEnd(raw)
  const start = firstNonSpace(text)
  if (start === text.length) return failure('empty record')
  const opener = text.charCodeAt(start)
  const looksJson = opener === 123 || opener === 91
  if (looksJson && (named === null || named.parseObject !== undefined)) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      return failure(`invalid JSON: ${(error as Error).message}`)
    }
    if (!jsonTextIsWithinLimits(text, limits)) {
      const problem = checkStructure(parsed, limits)
      if (problem !== null) return problem
    }
    if (Array.isArray(parsed)) return toOutcome(parseArray(parsed, named, context), eventContext)
    if (!isObject(parsed)) return failure('a JSON record must be an object or an array of objects')
    return toOutcome(parseObjectRecord(parsed, named, context), eventContext, text, parsed)
  }
  const detected = named ?? getParser(detectTextParserName(text))!
  // A source that names a JSON parser (windows, cloudtrail …) may still get it over syslog.
  const carried = detected.parseText === undefined && opener === LESS_THAN ? detected : null
  const parser = carried === null ? detected : getParser('syslog')!
  if (parser.parseText === undefined) {
    return failure(`parser ${parser.name} reads JSON objects; this record is a text line, not JSON`)
  }
  const result = runParser(parser, () => parser.parseText!(text, context), context)
  if (!('error' in result) && !Array.isArray(result) && result.dataset === 'syslog') {
    const payload = readJsonPayload(text, result, carried, context, limits)
    if (payload === null) {
      if (carried !== null)
        return failure(`parser ${carried.name} reads JSON objects; this syslog message carries none`)
    } else if ('error' in payload) return payload
    else {
      const outcome = toOutcome(payload.draft, eventContext, payload.json, payload.draft.original)
      if (payload.splice !== undefined && 'events' in outcome) outcome.splice = payload.splice
      return outcome
    }
  }
  if (!('error' in result) && !(text.length <= limits.maxFieldLength && text.length < 2 * limits.maxFields)) {
    const drafts = Array.isArray(result) ? result : [result]
    for (const draft of drafts) {
      const problem = checkStructure(draft.original, limits)
      if (problem !== null) return problem
    }
  }
  return toOutcome(result, eventContext)
}

const LESS_THAN = 60
const AT_SIGN = 64
/** The CEE / Lumberjack cookie before a JSON syslog message (`@cee: {"msg": …}`). */
const CEE_COOKIE = /^@cee:\s*/

/**
 * A JSON object carried as a syslog message (NXLog's `to_json()` over syslog, rsyslog and
 * syslog-ng JSON templates, CEE's `@cee:` cookie) is read as the event it is: by the source's
 * JSON parser when it names one, else by the parser its shape points at (a Windows event is
 * normalised as one, and Sigma's Windows rules see its fields). The syslog header stays beside it
 * as `syslog` (facility, severity, host, app …; `_syslog` if the payload has a `syslog`), and
 * fills the host, time and process the payload lacks. A message that only looks like JSON, or
 * that the JSON parser refuses, stays a syslog line. Null when there is no JSON object to read.
 */
function readJsonPayload(
  line: string,
  syslog: EventDraft,
  named: Parser | null,
  context: ParseContext,
  limits: ParseLimits,
): { draft: EventDraft; json: string | undefined; splice?: OriginalSplice } | ParseFailure | null {
  const message = syslog.message
  if (message === null) return null
  const start = firstNonSpace(message)
  let text = message
  // The message is the rest of the line (see SyslogMessage.message): where the payload starts in it.
  let textStart = line.length - message.length
  if (message.charCodeAt(start) !== 123) {
    // Most syslog messages are plain text: one character tells, before any slice or regex.
    if (message.charCodeAt(start) !== AT_SIGN) return null
    const cookie = CEE_COOKIE.exec(message.slice(start, start + 16))
    if (cookie === null) return null
    text = message.slice(start + cookie[0].length)
    textStart += start + cookie[0].length
  }
  let payload: unknown
  try {
    payload = JSON.parse(text)
  } catch {
    return null
  }
  if (!isObject(payload)) return null
  if (!jsonTextIsWithinLimits(text, limits)) {
    const problem = checkStructure(payload, limits)
    if (problem !== null) return problem
  }
  const result = parseObjectRecord(payload, named, context)
  if ('error' in result) return named === null ? null : result
  if (Array.isArray(result)) return null
  result.hostName ??= syslog.hostName
  result.processName ??= syslog.processName
  result.processPid ??= syslog.processPid
  if (result.timestamp === null) result.timestamp = syslog.timestamp
  // The header's key: `syslog`, or `_syslog` when the payload has a `syslog` of its own.
  const original = result.original
  const key = !('syslog' in original) ? 'syslog' : !('_syslog' in original) ? '_syslog' : undefined
  if (key === undefined) return { draft: result, json: undefined }
  const header = syslog.original.syslog
  const empty = Object.keys(result.original).length === 0
  result.original[key] = header
  // The stored text is the payload as sent with the header added before its closing brace: no
  // second serialisation of a few KB of JSON, and the payload's own bytes kept.
  if (result.original !== payload) return { draft: result, json: undefined }
  const close = text.lastIndexOf('}')
  const suffix = `${empty ? '' : ','}${JSON.stringify(key)}:${JSON.stringify(header)}}`
  return {
    draft: result,
    json: `${text.slice(0, close)}${suffix}`,
    splice: { start: textStart, end: textStart + close, suffix },
  }
}

/**
 * The parser entry point for the ingest pipeline: one record (a text line, a JSON line or an
 * already-parsed object) in, its events or one clear reason out. Never throws for a record.
 */
export function createRecordParser(options: ParseOptions = {}): (input: ParseInput) => ParseOutcome {
  const limits = resolveLimits(options.limits)
  return (input) => {
    const zone = input.timezone ?? DEFAULT_ZONE
    const zoneProblem = checkZone(zone)
    if (zoneProblem !== null) return zoneProblem
    let named: Parser | null = null
    if (input.parser !== undefined && input.parser !== AUTO_PARSER) {
      const parser = getParser(input.parser)
      if (parser === undefined) {
        return failure(`unknown parser "${input.parser}"; known parsers: ${parserNames().join(', ')}`)
      }
      named = parser
    }
    const context: ParseContext = { timezone: zone, receivedAt: input.receivedAt }
    const eventContext: EventContext = { source: input.source, receivedAt: input.receivedAt }
    if (typeof input.raw === 'string') return parseText(input.raw, named, context, eventContext, limits)
    const problem = checkStructure(input.raw, limits)
    if (problem !== null) return problem
    return toOutcome(parseObjectRecord(input.raw, named, context), eventContext)
  }
}

/** `createRecordParser()` with the default limits. */
export const parseRecord = createRecordParser()
