import { fillFromEcsFields } from '../../normalise/ecs-fields.js'
import { EventDraft } from '../../normalise/event-draft.js'
import { parseTimestamp } from '../../normalise/timestamp.js'
import { asObject, asText, type JsonObject, readPath } from '../../normalise/values.js'
import type { ParseContext, Parser } from '../types.js'
import { parseEventDataText } from './windows-event-data-text.js'
import { fillWindowsFields, windowsDataset } from './windows-fields.js'

/** `{ "#text": 4688, "#attributes": {…} }` (evtx_dump, for elements with attributes) → 4688. */
function unwrapText(value: unknown): unknown {
  const object = asObject(value)
  return object !== null && '#text' in object ? object['#text'] : value
}

function attribute(system: JsonObject, element: string, name: string): unknown {
  return readPath(system[element], '#attributes', name)
}

/** Flat agent JSON (NXLog, OTRF, Azure Log Analytics): Windows names at top level. */
function parseFlat(record: JsonObject, context: ParseContext): EventDraft {
  const draft = new EventDraft(windowsDataset(asText(record.Channel)), record)
  const eventCode = asText(record.EventID)
  draft.eventCode = eventCode
  draft.provider = asText(record.SourceName) ?? asText(record.ProviderName) ?? asText(record.Provider)
  draft.hostName = asText(record.Hostname) ?? asText(record.Computer)
  draft.message = asText(record.Message)
  const eventType = record.EventType
  if (eventType === 'AUDIT_SUCCESS') draft.outcome = 'success'
  else if (eventType === 'AUDIT_FAILURE') draft.outcome = 'failure'
  draft.timestamp =
    parseTimestamp(record.UtcTime, 'UTC', context.receivedAt) ??
    parseTimestamp(record['@timestamp'], 'UTC', context.receivedAt) ??
    parseTimestamp(record.TimeCreated, context.timezone, context.receivedAt) ??
    parseTimestamp(record.TimeGenerated, 'UTC', context.receivedAt) ??
    parseTimestamp(record.EventTime, context.timezone, context.receivedAt)
  fillWindowsFields(record, draft, eventCode)
  const eventData = record.EventData
  if (typeof eventData === 'string') {
    const data = parseEventDataText(eventData)
    if (data !== null) {
      fillWindowsFields(data, draft, eventCode)
      draft.timestamp ??= parseTimestamp(data.UtcTime, 'UTC', context.receivedAt)
    }
  }
  return draft
}

/** evtx_dump JSON: `{ Event: { System: {…}, EventData: {…} | UserData: {…} } }`. */
function parseEvtx(
  record: JsonObject,
  system: JsonObject,
  root: JsonObject,
  context: ParseContext,
): EventDraft {
  const draft = new EventDraft(windowsDataset(asText(unwrapText(system.Channel))), record)
  const eventCode = asText(unwrapText(system.EventID))
  draft.eventCode = eventCode
  draft.provider = asText(attribute(system, 'Provider', 'Name'))
  draft.hostName = asText(unwrapText(system.Computer))
  draft.userId = asText(attribute(system, 'Security', 'UserID'))
  draft.timestamp = parseTimestamp(attribute(system, 'TimeCreated', 'SystemTime'), 'UTC', context.receivedAt)
  let data = asObject(root.EventData)
  if (data === null) {
    const userData = asObject(root.UserData)
    for (const key in userData) {
      data = asObject(userData[key])
      break
    }
  }
  if (data !== null) fillWindowsFields(data, draft, eventCode)
  return draft
}

/** Winlogbeat / Elastic Agent (ECS): `winlog.*` beside ECS fields. */
function parseWinlogbeat(record: JsonObject, winlog: JsonObject, context: ParseContext): EventDraft {
  const draft = new EventDraft(windowsDataset(asText(winlog.channel)), record)
  const eventCode = asText(winlog.event_id) ?? asText(readPath(record, 'event', 'code'))
  draft.eventCode = eventCode
  draft.provider = asText(winlog.provider_name)
  draft.hostName = asText(winlog.computer_name) ?? asText(readPath(record, 'host', 'name'))
  draft.message = asText(record.message)
  draft.timestamp = parseTimestamp(record['@timestamp'], 'UTC', context.receivedAt)
  const data = asObject(winlog.event_data)
  if (data !== null) fillWindowsFields(data, draft, eventCode)
  fillFromEcsFields(record, draft)
  if (draft.userName === null) {
    draft.userName = asText(readPath(winlog, 'user', 'name'))
    draft.userDomain = asText(readPath(winlog, 'user', 'domain'))
  }
  return draft
}

/** Winlogbeat 6 and older (before ECS): `log_name`, `event_id`, `computer_name`, `event_data` at top level. */
function parseLegacyWinlogbeat(record: JsonObject, context: ParseContext): EventDraft {
  const draft = new EventDraft(windowsDataset(asText(record.log_name)), record)
  const eventCode = asText(record.event_id)
  draft.eventCode = eventCode
  draft.provider = asText(record.source_name)
  draft.hostName = asText(record.computer_name) ?? asText(readPath(record, 'host', 'name'))
  draft.message = asText(record.message)
  draft.timestamp = parseTimestamp(record['@timestamp'], 'UTC', context.receivedAt)
  const data = asObject(record.event_data) ?? asObject(record.user_data)
  if (data !== null) fillWindowsFields(data, draft, eventCode)
  if (draft.userName === null) {
    draft.userName = asText(readPath(record, 'user', 'name'))
    draft.userDomain = asText(readPath(record, 'user', 'domain'))
  }
  return draft
}

export const windowsParser: Parser = {
  name: 'windows',
  summary: 'Windows events: flat agent JSON (NXLog, OTRF), evtx_dump JSON, Winlogbeat (ECS and 6.x)',
  parseObject(record, context) {
    const root = asObject(record.Event)
    const system = root === null ? null : asObject(root.System)
    if (root !== null && system !== null) return parseEvtx(record, system, root, context)
    const winlog = asObject(record.winlog)
    if (winlog !== null) return parseWinlogbeat(record, winlog, context)
    if ('log_name' in record && 'event_id' in record) return parseLegacyWinlogbeat(record, context)
    return parseFlat(record, context)
  },
}
