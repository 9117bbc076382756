import { EventDraft } from '../../normalise/event-draft.js'
import { epochToDate } from '../../normalise/timestamp.js'
import { asInteger, asIp, asText, type JsonObject } from '../../normalise/values.js'
import { parseKeyValues } from './key-values.js'

/** Values auditd writes hex-encoded when they hold spaces or special characters. */
const HEX_ENCODED = new Set([
  'proctitle',
  'cmd',
  'a0',
  'a1',
  'a2',
  'a3',
  'name',
  'exe',
  'comm',
  'cwd',
  'acct',
  'data',
])

function decodeHex(value: string): string | null {
  if (value.length < 2 || value.length % 2 !== 0 || value.length > 65_536) return null
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index)
    if (!((code >= 48 && code <= 57) || (code >= 65 && code <= 70))) return null
  }
  const bytes = Buffer.from(value, 'hex')
  // proctitle separates arguments with NUL.
  return bytes.toString('utf8').replaceAll('\u0000', ' ').trimEnd()
}

/**
 * `[node=… ]type=SYSCALL msg=audit(1364481363.243:24287): key=value …` (also the auoms form
 * without `msg=`). The nested `msg='op=… res=success'` of USER_* records is merged in; values
 * auditd hex-encoded are decoded.
 */
export function parseAuditd(line: string): JsonObject | string {
  const marker = line.indexOf('audit(')
  if (!line.includes('type=') || marker === -1) {
    return 'an auditd record has type=<TYPE> and msg=audit(<epoch>:<serial>)'
  }
  const close = line.indexOf(')', marker)
  const stamp = close === -1 ? '' : line.slice(marker + 6, close)
  const colon = stamp.indexOf(':')
  const epoch = Number(stamp.slice(0, colon))
  const serial = Number(stamp.slice(colon + 1))
  if (colon === -1 || !Number.isFinite(epoch) || !Number.isInteger(serial)) {
    return `auditd msg=audit(...) must hold <epoch>:<serial>, got "audit(${stamp}"`
  }
  const prefixEnd = line.lastIndexOf(' ', marker)
  const fields: JsonObject = { message: line }
  if (prefixEnd > 0) parseKeyValues(line.slice(0, prefixEnd), 0, fields)
  delete fields.msg
  fields.audit_epoch = epoch
  fields.audit_serial = serial
  const rest = line.charCodeAt(close + 1) === 58 ? close + 2 : close + 1
  const body = parseKeyValues(line, rest, {}).fields
  for (const key in body) {
    const value = body[key]
    if (key === 'msg' && typeof value === 'string' && value.includes('=')) {
      parseKeyValues(value, 0, fields)
      continue
    }
    fields[key] = value
  }
  for (const key in fields) {
    const value = fields[key]
    if (HEX_ENCODED.has(key) && typeof value === 'string') {
      const decoded = decodeHex(value)
      if (decoded !== null) fields[key] = decoded
    }
  }
  return fields
}

function known(value: unknown): string | null {
  const text = asText(value)
  return text === null || text === '?' || text === '(null)' || text === 'unset' || text === '4294967295'
    ? null
    : text
}

export function auditdDraft(fields: JsonObject): EventDraft {
  const draft = new EventDraft('auditd.log', fields)
  const type = asText(fields.type)
  draft.eventCode = type
  draft.action = type === null ? null : type.toLowerCase()
  draft.timestamp = epochToDate(Number(fields.audit_epoch))
  draft.hostName = known(fields.node) ?? null
  draft.processPid = asInteger(fields.pid)
  draft.parentPid = asInteger(fields.ppid)
  draft.processExecutable = known(fields.exe)
  draft.processName = known(fields.comm)
  draft.processCommandLine = known(fields.proctitle) ?? known(fields.cmd)
  draft.userName = known(fields.acct) ?? known(fields.AUID) ?? known(fields.UID) ?? known(fields.id)
  draft.userId = known(fields.auid) ?? known(fields.uid)
  draft.sourceIp = asIp(fields.addr)
  draft.filePath = type === 'PATH' || type === 'CWD' ? (known(fields.name) ?? known(fields.cwd)) : null
  const success = fields.success ?? fields.res ?? fields.result
  if (success === 'yes' || success === 'success' || success === '1') draft.outcome = 'success'
  else if (success === 'no' || success === 'failed' || success === '0') draft.outcome = 'failure'
  return draft
}
