import { EventDraft } from '../../normalise/event-draft.js'
import { parseTimestamp } from '../../normalise/timestamp.js'
import { asInteger, asIp, asObject, asText, type JsonObject, readPath } from '../../normalise/values.js'
import type { Parser } from '../types.js'

const ACTION_KINDS = [
  'networkConnectionAction',
  'awsApiCallAction',
  'dnsRequestAction',
  'kubernetesApiCallAction',
]

function remoteIp(action: JsonObject | null): string | null {
  if (action === null) return null
  for (const kind of ACTION_KINDS) {
    const ip = asIp(readPath(action, kind, 'remoteIpDetails', 'ipAddressV4'))
    if (ip !== null) return ip
  }
  const probes = readPath(action, 'portProbeAction', 'portProbeDetails')
  return Array.isArray(probes) ? asIp(readPath(probes[0], 'remoteIpDetails', 'ipAddressV4')) : null
}

/** A GuardDuty finding, as exported or inside an EventBridge event (`detail-type: GuardDuty Finding`). */
export const guardDutyParser: Parser = {
  name: 'guardduty',
  summary: 'AWS GuardDuty findings (plain or wrapped in an EventBridge event)',
  parseObject(record, context) {
    const finding =
      record['detail-type'] === 'GuardDuty Finding' ? (asObject(record.detail) ?? record) : record
    const draft = new EventDraft('aws.guardduty', record)
    const type = asText(finding.type)
    draft.eventCode = type
    draft.action = type
    draft.message = asText(finding.title)
    const severity = finding.severity
    if (typeof severity === 'number') draft.severity = severity
    const service = asObject(finding.service)
    draft.timestamp =
      parseTimestamp(finding.updatedAt, 'UTC', context.receivedAt) ??
      parseTimestamp(finding.createdAt, 'UTC', context.receivedAt) ??
      parseTimestamp(service?.eventLastSeen, 'UTC', context.receivedAt)
    const action = service === null ? null : asObject(service.action)
    draft.sourceIp = remoteIp(action)
    draft.destinationPort = asInteger(readPath(action, 'networkConnectionAction', 'localPortDetails', 'port'))
    const resource = asObject(finding.resource)
    draft.hostName = asText(readPath(resource, 'instanceDetails', 'instanceId'))
    draft.userName = asText(readPath(resource, 'accessKeyDetails', 'userName'))
    draft.cloudProvider = 'aws'
    draft.cloudAccountId = asText(finding.accountId)
    draft.cloudRegion = asText(finding.region)
    return draft
  },
}
