import { EventDraft } from '../../normalise/event-draft.js'
import { parseTimestamp } from '../../normalise/timestamp.js'
import { asIp, asObject, asText, readPath } from '../../normalise/values.js'
import type { Parser } from '../types.js'

/** A Cloud Audit Logs LogEntry: `protoPayload` of type `google.cloud.audit.AuditLog`. */
export const gcpAuditParser: Parser = {
  name: 'gcp_audit',
  summary: 'Google Cloud audit logs (LogEntry with an AuditLog protoPayload)',
  parseObject(record, context) {
    const draft = new EventDraft('gcp.audit', record)
    const payload = asObject(record.protoPayload) ?? {}
    const method = asText(payload.methodName)
    draft.eventCode = method
    draft.action = method
    draft.provider = asText(payload.serviceName)
    draft.timestamp =
      parseTimestamp(record.timestamp, 'UTC', context.receivedAt) ??
      parseTimestamp(record.receiveTimestamp, 'UTC', context.receivedAt)
    draft.userName = asText(readPath(payload, 'authenticationInfo', 'principalEmail'))
    const metadata = asObject(payload.requestMetadata)
    if (metadata !== null) {
      draft.sourceIp = asIp(metadata.callerIp) ?? asIp(metadata.callerIP)
      draft.userAgent = asText(metadata.callerSuppliedUserAgent)
    }
    const status = asObject(payload.status)
    if (status !== null) {
      const code = status.code
      draft.outcome = code === undefined || code === 0 ? 'success' : 'failure'
    }
    draft.cloudProvider = 'gcp'
    draft.cloudAccountId = asText(readPath(record, 'resource', 'labels', 'project_id'))
    draft.message = asText(payload.resourceName)
    return draft
  },
}
