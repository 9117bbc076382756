import { EventDraft } from '../../normalise/event-draft.js'
import { parseTimestamp } from '../../normalise/timestamp.js'
import { asIp, asText } from '../../normalise/values.js'
import type { Parser } from '../types.js'

/** GitHub organisation / enterprise audit log entries (API or streaming). */
export const githubAuditParser: Parser = {
  name: 'github_audit',
  summary: 'GitHub organisation and enterprise audit log',
  parseObject(record, context) {
    const draft = new EventDraft('github.audit', record)
    const action = asText(record.action)
    draft.eventCode = action
    draft.action = action
    draft.timestamp =
      parseTimestamp(record['@timestamp'], 'UTC', context.receivedAt) ??
      parseTimestamp(record.created_at, 'UTC', context.receivedAt)
    draft.userName = asText(record.actor)
    draft.sourceIp = asIp(record.actor_ip)
    draft.userAgent = asText(record.user_agent)
    draft.urlPath = asText(record.repo) ?? asText(record.repository)
    return draft
  },
}
