import { EventDraft } from '../../normalise/event-draft.js'
import { fillGenericFields } from '../../normalise/generic-fields.js'
import type { JsonObject } from '../../normalise/values.js'
import type { ParseContext, Parser } from '../types.js'

const datasets = new Map<string, string>()

/**
 * The dataset of a JSON log with no parser of its own: the Panther log type when the event was
 * exported from Panther (`p_log_type: Okta.SystemLog` → `okta.systemlog`), else `json`.
 */
function genericDataset(record: JsonObject): string {
  const logType = record.p_log_type
  if (typeof logType !== 'string' || logType.length === 0 || logType.length > 100) return 'json'
  let dataset = datasets.get(logType)
  if (dataset === undefined) {
    dataset = logType.toLowerCase().replace(/[^a-z0-9.]+/g, '_')
    if (datasets.size < 1000) datasets.set(logType, dataset)
  }
  return dataset
}

export function genericJsonDraft(record: JsonObject, context: ParseContext): EventDraft {
  const draft = new EventDraft(genericDataset(record), record)
  fillGenericFields(record, draft, context.timezone, context.receivedAt)
  return draft
}

/** Any JSON object: the common fields are picked from the names logs usually give them. */
export const genericJsonParser: Parser = {
  name: 'json',
  summary: 'any JSON object; time, user, host, addresses and process picked from well-known field names',
  parseObject: genericJsonDraft,
}
