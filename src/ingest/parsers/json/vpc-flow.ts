import { EventDraft } from '../../normalise/event-draft.js'
import { epochToDate } from '../../normalise/timestamp.js'
import { asInteger, asIp, asText, firstText, type JsonObject } from '../../normalise/values.js'
import { failure, type Parser, type ParserResult } from '../types.js'

/** The default (version 2) VPC flow log format, in order. */
export const VPC_FLOW_V2_FIELDS = [
  'version',
  'account-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
] as const

const TRANSPORTS: Record<string, string> = { '1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'ipv6-icmp' }

function vpcFlowDraft(record: JsonObject): EventDraft {
  const draft = new EventDraft('aws.vpcflow', record)
  draft.sourceIp = asIp(record.srcaddr ?? record.srcAddr)
  draft.destinationIp = asIp(record.dstaddr ?? record.dstAddr)
  draft.sourcePort = asInteger(record.srcport ?? record.srcPort)
  draft.destinationPort = asInteger(record.dstport ?? record.dstPort)
  const protocol = asText(record.protocol)
  if (protocol !== null) draft.transport = TRANSPORTS[protocol] ?? protocol
  const action = asText(record.action)
  draft.action = action
  draft.eventCode = action
  if (action === 'ACCEPT') draft.outcome = 'success'
  else if (action === 'REJECT') draft.outcome = 'failure'
  const start = asInteger(record.start)
  draft.timestamp = start === null ? null : epochToDate(start)
  draft.cloudProvider = 'aws'
  draft.cloudAccountId = firstText(record, ['account-id', 'accountId', 'account_id'])
  draft.cloudRegion = firstText(record, ['region'])
  draft.hostName = firstText(record, ['instance-id', 'instanceId', 'interface-id', 'interfaceId'])
  return draft
}

/** `2 123456789010 eni-1235b8ca 172.31.16.139 …`: the 14 space-separated default fields. */
export function parseVpcFlowLine(line: string): JsonObject | string {
  const values = line.trim().split(/\s+/)
  if (values.length !== VPC_FLOW_V2_FIELDS.length) {
    return `a VPC flow log line has ${VPC_FLOW_V2_FIELDS.length} space-separated fields (default version 2 format), this one has ${values.length}`
  }
  if (values[0] === 'version') return 'this is the VPC flow log header line, not a flow record'
  const record: JsonObject = {}
  for (let index = 0; index < values.length; index++) {
    const value = values[index]!
    const numeric = value !== '-' && /^\d+$/.test(value) && index !== 1
    record[VPC_FLOW_V2_FIELDS[index]!] = numeric ? Number(value) : value
  }
  return record
}

export const vpcFlowParser: Parser = {
  name: 'vpcflow',
  summary: 'AWS VPC Flow Logs: JSON records or the default space-separated text format',
  parseObject: (record) => vpcFlowDraft(record),
  parseText(line): ParserResult {
    const record = parseVpcFlowLine(line)
    if (typeof record === 'string') return failure(record)
    return vpcFlowDraft({ message: line, ...record })
  },
}
