import { fillFromEcsFields } from './ecs-fields.js'
import type { EventDraft } from './event-draft.js'
import { parseTimestamp } from './timestamp.js'
import { asInteger, asIp, asText, baseName, type JsonObject, readPath } from './values.js'

/**
 * Where JSON (and key=value) logs without a dedicated parser keep their common fields: the
 * names used by SaaS audit logs, agents and appliances, most specific first. A dotted name
 * reads a nested object (`actor.email`); a flat key with that exact name is tried first.
 */
export const TIME_FIELDS = [
  'p_event_time',
  '@timestamp',
  'timestamp',
  'Timestamp',
  'TIMESTAMP_DERIVED',
  'TIMESTAMP',
  'time',
  'Time',
  'eventTime',
  'EventTime',
  'event_time',
  'EVENT_TIMESTAMP',
  'TimeGenerated',
  'TimeCreated',
  'published',
  'created_at',
  'createdAt',
  'CreatedAt',
  'creationTime',
  'CreationTime',
  'creationtime',
  'createdDateTime',
  'created',
  'CREATED_ON',
  'isotimestamp',
  'ts',
  'date',
  'datetime',
  'Datetime',
  'DateTime',
  'eventTimestamp',
  'messageTime',
  'effective_at',
  'generatedDateTime',
  'calendarTime',
  'unixTime',
  'epoch',
  'receivetimestamp',
  'updatedAt',
  'id.time',
  'event.created_at',
  'metadata.eventCreationTime',
] as const

export const SOURCE_IP_FIELDS = [
  'sourceIPAddress',
  'sourceIp',
  'SourceIp',
  'sourceIP',
  'SOURCE_IP',
  'source_ip',
  'src_ip',
  'srcip',
  'srcaddr',
  'srcAddr',
  'src',
  'client_ip',
  'clientIp',
  'ClientIP',
  'clientip',
  'CLIENT_IP',
  'ip_address',
  'ipAddress',
  'IpAddress',
  'ipaddress',
  'remoteip',
  'remote_ip',
  'remoteAddress',
  'remote_addr',
  'callerIp',
  'callerIP',
  'calleripaddress',
  'request_ip',
  'senderIP',
  'internalIp',
  'actor_ip',
  'ip',
  'client.ipAddress',
  'client.ip',
  'context.ip_address',
  'context.ip',
  'actor.ip',
  'device.ip',
  'requestMetadata.callerIp',
] as const

export const DESTINATION_IP_FIELDS = [
  'destinationIp',
  'DestinationIp',
  'destination_ip',
  'dst_ip',
  'dest_ip',
  'dstip',
  'dstaddr',
  'dstAddr',
  'dst',
  'RemoteIp',
  'CanaryIP',
] as const

export const USER_FIELDS = [
  'userName',
  'user_name',
  'UserName',
  'username',
  'USER_NAME',
  'USERNAME',
  'usrName',
  'suser',
  'duser',
  'user_email',
  'userEmail',
  'UserId',
  'userid',
  'loginName',
  'principalEmail',
  'email',
  'actor',
  'user',
  'actor.email',
  'actor.alternateId',
  'actor.login',
  'actor.name',
  'actor.user.email',
  'actor.displayName',
  'user.email',
  'user.login',
  'user.name',
  'userIdentity.userName',
  'userIdentity.principalId',
  'authenticationInfo.principalEmail',
  'created_by.login',
  'created_by.email',
  'operator',
  'InitiatedBy.user.userPrincipalName',
] as const

export const HOST_FIELDS = [
  'hostname',
  'host_name',
  'hostName',
  'Hostname',
  'HostName',
  'Computer',
  'computer_name',
  'ComputerName',
  'DeviceName',
  'device_name',
  'devname',
  'dvchost',
  'hostIdentifier',
  'host',
  'host.name',
  'device.hostname',
] as const

export const CODE_FIELDS = [
  'eventName',
  'EventID',
  'event_type',
  'eventType',
  'EVENT_TYPE',
  'event_simpleName',
  'eventTypeName',
  'action',
  'ActionType',
  'actionName',
  'operationName',
  'OperationName',
  'operation',
  'Operation',
  'operation_name',
  'activitytype',
  'type',
  'event.type',
  'event.action',
] as const

export const COMMAND_LINE_FIELDS = [
  'CommandLine',
  'command_line',
  'cmdline',
  'ProcessCommandLine',
  'process.command_line',
] as const
export const EXECUTABLE_FIELDS = [
  'Image',
  'exe',
  'process_path',
  'FolderPath',
  'ImageFileName',
  'process.executable',
] as const
export const URL_FIELDS = ['url', 'URL', 'uri', 'request_url', 'requestUri', 'RemoteUrl', 'request'] as const

function lookup(record: JsonObject, name: string): unknown {
  const direct = record[name]
  if (direct !== undefined) return direct
  const dot = name.indexOf('.')
  return dot === -1 ? undefined : readPath(record, ...name.split('.'))
}

/** The first candidate whose value passes `read`. */
export function pick<T>(
  record: JsonObject,
  names: readonly string[],
  read: (value: unknown) => T | null,
): T | null {
  for (const name of names) {
    const value = lookup(record, name)
    if (value === undefined || value === null) continue
    const result = read(value)
    if (result !== null) return result
  }
  return null
}

export function pickTime(record: JsonObject, zone: string, reference: Date): Date | null {
  return pick(record, TIME_FIELDS, (value) => parseTimestamp(value, zone, reference))
}

/** A user name only when it reads as a name: an object or a long free text is not one. */
function asUserName(value: unknown): string | null {
  const text = asText(value)
  return text !== null && text.length <= 256 ? text : null
}

/** Everything a generic JSON (or key=value) record yields; fields already set are kept. */
export function fillGenericFields(
  record: JsonObject,
  draft: EventDraft,
  zone: string,
  reference: Date,
): void {
  fillFromEcsFields(record, draft)
  draft.timestamp ??= pickTime(record, zone, reference)
  draft.eventCode ??= pick(record, CODE_FIELDS, asText)
  draft.sourceIp ??= pick(record, SOURCE_IP_FIELDS, asIp)
  draft.destinationIp ??= pick(record, DESTINATION_IP_FIELDS, asIp)
  draft.userName ??= pick(record, USER_FIELDS, asUserName)
  draft.hostName ??= pick(record, HOST_FIELDS, asUserName)
  draft.processCommandLine ??= pick(record, COMMAND_LINE_FIELDS, asText)
  draft.processExecutable ??= pick(record, EXECUTABLE_FIELDS, asText)
  if (draft.processExecutable !== null && draft.processName === null) {
    draft.processName = baseName(draft.processExecutable)
  }
  draft.urlFull ??= pick(record, URL_FIELDS, asText)
  draft.sourcePort ??= pick(record, ['srcport', 'src_port', 'srcPort', 'spt', 'SourcePort'], asInteger)
  draft.destinationPort ??= pick(
    record,
    ['dstport', 'dst_port', 'dest_port', 'dstPort', 'dpt', 'DestinationPort'],
    asInteger,
  )
  draft.message ??= pick(record, ['message', 'Message', 'msg', 'displayMessage', 'description'], asText)
}
