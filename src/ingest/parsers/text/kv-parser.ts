import { EventDraft } from '../../normalise/event-draft.js'
import { fillGenericFields } from '../../normalise/generic-fields.js'
import { parseTimestamp } from '../../normalise/timestamp.js'
import { asText, type JsonObject } from '../../normalise/values.js'
import { failure, type ParseContext, type Parser, type ParserResult } from '../types.js'
import { parseKeyValues } from './key-values.js'

/** Fortinet-style separate `date=2024-05-01 time=10:00:00 tz="+0200"`. */
function dateAndTime(fields: JsonObject, context: ParseContext): Date | null {
  const date = asText(fields.date)
  const time = asText(fields.time)
  if (date === null || time === null || time.length > 15) return null
  const zone = asText(fields.tz)
  const text =
    zone !== null && (zone.startsWith('+') || zone.startsWith('-'))
      ? `${date} ${time} ${zone}`
      : `${date} ${time}`
  return parseTimestamp(text, context.timezone, context.receivedAt)
}

export function kvDraft(fields: JsonObject, context: ParseContext, dataset = 'kv'): EventDraft {
  const draft = new EventDraft(dataset, fields)
  draft.timestamp = dateAndTime(fields, context)
  fillGenericFields(fields, draft, context.timezone, context.receivedAt)
  return draft
}

export const kvParser: Parser = {
  name: 'kv',
  summary: 'key=value lines (firewalls, appliances): key="quoted value" pairs separated by spaces',
  parseText(line, context): ParserResult {
    const { fields, pairs } = parseKeyValues(line, 0, { message: line })
    if (pairs === 0) return failure('no key=value pairs in the line')
    return kvDraft(fields, context)
  },
}
