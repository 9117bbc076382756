import { EventDraft } from '../../normalise/event-draft.js'
import { parseTimestamp } from '../../normalise/timestamp.js'
import { asIp, asObject, asText, readPath } from '../../normalise/values.js'
import type { Parser } from '../types.js'

/** Okta System Log events (`/api/v1/logs`). */
export const oktaParser: Parser = {
  name: 'okta',
  summary: 'Okta System Log events',
  parseObject(record, context) {
    const draft = new EventDraft('okta.system', record)
    const eventType = asText(record.eventType)
    draft.eventCode = eventType
    draft.action = eventType
    draft.message = asText(record.displayMessage)
    draft.timestamp = parseTimestamp(record.published, 'UTC', context.receivedAt)
    const actor = asObject(record.actor)
    if (actor !== null) {
      draft.userName = asText(actor.alternateId) ?? asText(actor.displayName)
      draft.userId = asText(actor.id)
    }
    const client = asObject(record.client)
    if (client !== null) {
      draft.sourceIp = asIp(client.ipAddress)
      draft.userAgent = asText(readPath(client, 'userAgent', 'rawUserAgent'))
    }
    const result = readPath(record, 'outcome', 'result')
    if (result === 'SUCCESS' || result === 'ALLOW') draft.outcome = 'success'
    else if (result === 'FAILURE' || result === 'DENY') draft.outcome = 'failure'
    else if (typeof result === 'string') draft.outcome = 'unknown'
    return draft
  },
}
