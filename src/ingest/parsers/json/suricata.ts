import { EventDraft } from '../../normalise/event-draft.js'
import { parseTimestamp } from '../../normalise/timestamp.js'
import { asInteger, asIp, asObject, asText, readPath } from '../../normalise/values.js'
import type { Parser } from '../types.js'

/** Suricata EVE JSON: alert, flow, dns, http, tls, fileinfo … records. */
export const suricataParser: Parser = {
  name: 'suricata',
  summary: 'Suricata EVE JSON',
  parseObject(record, context) {
    const draft = new EventDraft('suricata.eve', record)
    const eventType = asText(record.event_type)
    draft.action = eventType
    const alert = asObject(record.alert)
    draft.eventCode = (alert !== null ? asText(alert.signature_id) : null) ?? eventType
    if (alert !== null) {
      draft.message = asText(alert.signature)
      const severity = alert.severity
      if (typeof severity === 'number') draft.severity = severity
      const action = alert.action
      if (action === 'blocked') draft.outcome = 'failure'
    }
    draft.timestamp = parseTimestamp(record.timestamp, 'UTC', context.receivedAt)
    draft.sourceIp = asIp(record.src_ip)
    draft.sourcePort = asInteger(record.src_port)
    draft.destinationIp = asIp(record.dest_ip)
    draft.destinationPort = asInteger(record.dest_port)
    const proto = asText(record.proto)
    if (proto !== null) draft.transport = proto.toLowerCase()
    draft.hostName = asText(record.host)
    draft.urlDomain = asText(readPath(record, 'http', 'hostname')) ?? asText(readPath(record, 'tls', 'sni'))
    draft.urlPath = asText(readPath(record, 'http', 'url'))
    draft.userAgent = asText(readPath(record, 'http', 'http_user_agent'))
    draft.filePath = asText(readPath(record, 'fileinfo', 'filename'))
    return draft
  },
}
