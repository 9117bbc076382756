import { EventDraft } from '../../normalise/event-draft.js'
import { parseTimestamp } from '../../normalise/timestamp.js'
import { asInteger, asIp, asText, firstText, type JsonObject } from '../../normalise/values.js'
import { failure, type ParseContext, type Parser, type ParserResult } from '../types.js'
import { parseCef } from './cef.js'

const SEVERITY_WORDS: Record<string, number> = { unknown: 0, low: 3, medium: 5, high: 8, 'very-high': 10 }

function severity(value: unknown): number | null {
  const text = asText(value)
  if (text === null) return null
  const number = Number(text)
  return Number.isFinite(number) ? number : (SEVERITY_WORDS[text.toLowerCase()] ?? null)
}

/** The ECS view of CEF fields (`src`, `dst`, `suser`, `act`, `rt` … in ArcSight's dictionary). */
export function cefDraft(
  fields: JsonObject,
  context: ParseContext,
  headerTime: Date | null = null,
): EventDraft {
  const draft = new EventDraft('cef', fields)
  draft.eventCode = asText(fields.signatureId)
  draft.action = firstText(fields, ['act', 'name'])
  draft.message = firstText(fields, ['msg', 'name'])
  draft.provider = asText(fields.deviceProduct)
  draft.severity = severity(fields.severity)
  draft.timestamp =
    parseTimestamp(fields.rt, context.timezone, context.receivedAt) ??
    parseTimestamp(fields.start, context.timezone, context.receivedAt) ??
    parseTimestamp(fields.end, context.timezone, context.receivedAt) ??
    headerTime
  draft.sourceIp = asIp(fields.src) ?? asIp(fields.sourceTranslatedAddress)
  draft.sourcePort = asInteger(fields.spt)
  draft.destinationIp = asIp(fields.dst) ?? asIp(fields.destinationTranslatedAddress)
  draft.destinationPort = asInteger(fields.dpt)
  draft.userName = firstText(fields, ['suser', 'duser'])
  draft.hostName = firstText(fields, ['dvchost', 'shost', 'dhost'])
  draft.hostIp = asIp(fields.dvc)
  const transport = asText(fields.proto)
  draft.transport = transport === null ? null : transport.toLowerCase()
  draft.urlFull = asText(fields.request)
  draft.userAgent = asText(fields.requestClientApplication)
  draft.filePath = firstText(fields, ['filePath', 'fname'])
  draft.processName = firstText(fields, ['sproc', 'dproc'])
  draft.processPid = asInteger(fields.spid) ?? asInteger(fields.dpid)
  const outcome = asText(fields.outcome)?.toLowerCase()
  if (outcome === 'success' || outcome === 'failure') draft.outcome = outcome
  return draft
}

export const cefParser: Parser = {
  name: 'cef',
  summary: 'ArcSight Common Event Format (CEF:0/1), bare or after a syslog header',
  parseText(line, context): ParserResult {
    const start = line.indexOf('CEF:')
    if (start === -1) return failure('no "CEF:" in the line: not a CEF record')
    const fields = parseCef(line.slice(start))
    if (typeof fields === 'string') return failure(fields)
    return cefDraft({ message: line, ...fields }, context)
  },
}
