import { EventDraft } from '../../normalise/event-draft.js'
import { parseTimestamp } from '../../normalise/timestamp.js'
import { asInteger, asIp, asText, firstText, type JsonObject } from '../../normalise/values.js'
import { failure, type ParseContext, type Parser, type ParserResult } from '../types.js'
import { parseLeef } from './leef.js'

/** The ECS view of LEEF attributes (QRadar's predefined keys: `src`, `usrName`, `devTime` …). */
export function leefDraft(
  fields: JsonObject,
  context: ParseContext,
  headerTime: Date | null = null,
): EventDraft {
  const draft = new EventDraft('leef', fields)
  draft.eventCode = asText(fields.eventId)
  draft.action = firstText(fields, ['action', 'cat'])
  draft.provider = asText(fields.product)
  draft.timestamp = parseTimestamp(fields.devTime, context.timezone, context.receivedAt) ?? headerTime
  draft.sourceIp = asIp(fields.src) ?? asIp(fields.srcPreNAT)
  draft.sourcePort = asInteger(fields.srcPort)
  draft.destinationIp = asIp(fields.dst) ?? asIp(fields.dstPreNAT)
  draft.destinationPort = asInteger(fields.dstPort)
  draft.userName = firstText(fields, ['usrName', 'accountName', 'userName'])
  draft.hostName = firstText(fields, ['identHostName', 'devName', 'srcHostName'])
  const severity = Number(fields.sev)
  if (fields.sev !== undefined && Number.isFinite(severity)) draft.severity = severity
  const transport = asText(fields.proto)
  draft.transport = transport === null ? null : transport.toLowerCase()
  draft.urlFull = firstText(fields, ['url', 'resource'])
  draft.message = firstText(fields, ['msg', 'message'])
  return draft
}

export const leefParser: Parser = {
  name: 'leef',
  summary: 'IBM QRadar Log Event Extended Format (LEEF 1.0 and 2.0), bare or after a syslog header',
  parseText(line, context): ParserResult {
    const start = line.indexOf('LEEF:')
    if (start === -1) return failure('no "LEEF:" in the line: not a LEEF record')
    const fields = parseLeef(line.slice(start))
    if (typeof fields === 'string') return failure(fields)
    return leefDraft({ message: line, ...fields }, context)
  },
}
