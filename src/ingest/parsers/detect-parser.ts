import { scanBsdTimestamp, scanIsoTimestamp } from '../normalise/timestamp.js'
import { asObject, type JsonObject } from '../normalise/values.js'
import { getParser } from './registry.js'
import { parseKeyValues } from './text/key-values.js'
import type { Parser } from './types.js'

/** Panther data-lake exports name their log type; these have parsers of their own. */
const PANTHER_LOG_TYPES: Record<string, string> = {
  'AWS.CloudTrail': 'cloudtrail',
  'AWS.VPCFlow': 'vpcflow',
  'AWS.GuardDuty': 'guardduty',
  'GCP.AuditLog': 'gcp_audit',
  'Okta.SystemLog': 'okta',
  'GitHub.Audit': 'github_audit',
  'GSuite.ActivityEvent': 'google_workspace',
  'GSuite.Reports': 'google_workspace',
  'Amazon.EKS.Audit': 'kubernetes_audit',
  'Windows.EventLogs': 'windows',
  'Suricata.Alert': 'suricata',
}

/**
 * The parser for a JSON object, from its distinctive fields. The checks are property lookups
 * in order of how common the shapes are, flat Windows events first (the hot path).
 */
export function detectObjectParserName(record: JsonObject): string {
  if (
    'EventID' in record &&
    ('Channel' in record || 'Hostname' in record || 'Computer' in record || 'SourceName' in record)
  ) {
    return 'windows'
  }
  const wrapped = asObject(record.Event)
  if (wrapped !== null && asObject(wrapped.System) !== null) return 'windows'
  if (asObject(record.winlog) !== null) return 'windows'
  if ('log_name' in record && 'event_id' in record && 'event_data' in record) return 'windows'
  const logType = record.p_log_type
  if (typeof logType === 'string') {
    const hinted = PANTHER_LOG_TYPES[logType]
    if (hinted !== undefined) return hinted
    if (logType.startsWith('Zeek.')) return 'zeek'
  }
  if ('_path' in record || 'id.orig_h' in record) return 'zeek'
  if (
    typeof record.event_type === 'string' &&
    ('flow_id' in record || 'src_ip' in record || 'in_iface' in record)
  ) {
    return 'suricata'
  }
  if (Array.isArray(record.Records)) return 'cloudtrail'
  if (
    'eventSource' in record &&
    'eventName' in record &&
    ('eventVersion' in record || 'userIdentity' in record || 'awsRegion' in record)
  ) {
    return 'cloudtrail'
  }
  if (record['detail-type'] === 'GuardDuty Finding') return 'guardduty'
  if (
    'schemaVersion' in record &&
    asObject(record.service) !== null &&
    'severity' in record &&
    'type' in record
  ) {
    return 'guardduty'
  }
  if (('srcaddr' in record && 'dstaddr' in record) || 'interface-id' in record) return 'vpcflow'
  if (asObject(record.protoPayload) !== null) return 'gcp_audit'
  if ('eventType' in record && 'published' in record && ('actor' in record || 'uuid' in record)) return 'okta'
  if (
    record.kind === 'Event' &&
    typeof record.apiVersion === 'string' &&
    record.apiVersion.startsWith('audit.k8s.io')
  ) {
    return 'kubernetes_audit'
  }
  if (asObject(record.id) !== null && typeof (record.id as JsonObject).applicationName === 'string') {
    return 'google_workspace'
  }
  if (
    typeof record.action === 'string' &&
    'actor' in record &&
    ('org' in record || 'repo' in record || '_document_id' in record || 'business' in record)
  ) {
    return 'github_audit'
  }
  return 'json'
}

const VPC_FLOW_LINE = /^\d+ (?:\d{12}|-) (?:eni-[0-9a-f]+|-) \S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+$/

/** The parser for a text line, from how it starts. */
export function detectTextParserName(line: string): string {
  const first = line.charCodeAt(0)
  if (first === 60) return 'syslog'
  if (line.startsWith('CEF:')) return 'cef'
  if (line.startsWith('LEEF:')) return 'leef'
  if ((line.startsWith('type=') || line.startsWith('node=')) && line.includes('audit(')) return 'auditd'
  if (first >= 48 && first <= 57) {
    if (VPC_FLOW_LINE.test(line)) return 'vpcflow'
    if (!Number.isNaN(scanIsoTimestamp(line, 0, 'UTC'))) return 'syslog'
  } else if (!Number.isNaN(scanBsdTimestamp(line, 0, 'UTC', new Date()))) {
    return 'syslog'
  }
  if (line.includes('=') && parseKeyValues(line).pairs >= 2) return 'kv'
  return 'text'
}

/** The name of the parser that reads this record: a JSON object or a text line. */
export function detectParser(record: string | JsonObject): string {
  return typeof record === 'string' ? detectTextParserName(record) : detectObjectParserName(record)
}

export function detectParserFor(record: string | JsonObject): Parser {
  return getParser(detectParser(record))!
}
