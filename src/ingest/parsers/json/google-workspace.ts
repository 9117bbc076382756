import { EventDraft } from '../../normalise/event-draft.js'
import { parseTimestamp } from '../../normalise/timestamp.js'
import { asIp, asObject, asText, readPath } from '../../normalise/values.js'
import type { Parser } from '../types.js'

const datasets = new Map<string, string>()

function workspaceDataset(application: string | null): string {
  if (application === null) return 'google_workspace.activity'
  let dataset = datasets.get(application)
  if (dataset === undefined) {
    dataset = `google_workspace.${application.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`
    if (datasets.size < 200) datasets.set(application, dataset)
  }
  return dataset
}

/**
 * Google Workspace Reports API activities (`admin#reports#activity`); the event name is the
 * first of `events[]`, or `name` when the activity was already flattened to one event.
 */
export const googleWorkspaceParser: Parser = {
  name: 'google_workspace',
  summary: 'Google Workspace (G Suite) Reports API activities',
  parseObject(record, context) {
    const id = asObject(record.id)
    const draft = new EventDraft(workspaceDataset(id === null ? null : asText(id.applicationName)), record)
    const events = record.events
    const first = Array.isArray(events) ? asObject(events[0]) : null
    const name = asText(record.name) ?? (first === null ? null : asText(first.name))
    draft.eventCode = name
    draft.action = name
    draft.timestamp = id === null ? null : parseTimestamp(id.time, 'UTC', context.receivedAt)
    draft.userName = asText(readPath(record, 'actor', 'email'))
    draft.userId = asText(readPath(record, 'actor', 'profileId'))
    draft.sourceIp = asIp(record.ipAddress)
    return draft
  },
}
