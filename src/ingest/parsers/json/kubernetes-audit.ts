import { EventDraft } from '../../normalise/event-draft.js'
import { parseTimestamp } from '../../normalise/timestamp.js'
import { asIp, asObject, asText, readPath } from '../../normalise/values.js'
import type { Parser } from '../types.js'

/** Kubernetes API server audit events (`audit.k8s.io/v1`, also EKS/GKE/AKS exports). */
export const kubernetesAuditParser: Parser = {
  name: 'kubernetes_audit',
  summary: 'Kubernetes audit events (audit.k8s.io), including EKS',
  parseObject(record, context) {
    const draft = new EventDraft('kubernetes.audit', record)
    const verb = asText(record.verb)
    const resource = asText(readPath(record, 'objectRef', 'resource'))
    draft.eventCode = verb
    draft.action = verb !== null && resource !== null ? `${verb} ${resource}` : verb
    draft.timestamp =
      parseTimestamp(record.stageTimestamp, 'UTC', context.receivedAt) ??
      parseTimestamp(record.requestReceivedTimestamp, 'UTC', context.receivedAt)
    const user = asObject(record.user)
    if (user !== null) {
      draft.userName = asText(user.username)
      draft.userId = asText(user.uid)
    }
    const sourceIps = record.sourceIPs
    draft.sourceIp = Array.isArray(sourceIps) ? asIp(sourceIps[0]) : null
    draft.userAgent = asText(record.userAgent)
    draft.urlPath = asText(record.requestURI)
    const code = readPath(record, 'responseStatus', 'code')
    if (typeof code === 'number') draft.outcome = code < 400 ? 'success' : 'failure'
    return draft
  },
}
