import { scanBsdTimestamp, scanEnd, scanIsoTimestamp } from '../../normalise/timestamp.js'
import type { JsonObject } from '../../normalise/values.js'

export const FACILITIES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'security',
  'console',
  'solaris-cron',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
] as const

export const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const

export interface SyslogMessage {
  format: 'rfc5424' | 'rfc3164'
  priority: number | null
  /** Epoch milliseconds, NaN when the line carries no time. */
  time: number
  hostname: string | null
  appName: string | null
  procId: string | null
  msgId: string | null
  structuredData: Record<string, Record<string, string>> | null
  /** The free-text part after the header: always the rest of the line (a leading BOM left out). */
  message: string
}

/** Reads `<PRI>`; returns the priority and moves `cursor.index` past it, or an error. */
function readPriority(line: string, cursor: { index: number }): number | string | null {
  if (line.charCodeAt(0) !== 60) return null
  const close = line.indexOf('>')
  if (close < 2 || close > 4) return 'syslog priority must be <0> to <191> at the start of the line'
  const priority = Number(line.slice(1, close))
  if (!Number.isInteger(priority) || priority < 0 || priority > 191) {
    return `syslog priority <${line.slice(1, close)}> is not a number from 0 to 191`
  }
  cursor.index = close + 1
  return priority
}

function nextToken(line: string, cursor: { index: number }): string | null {
  const start = cursor.index
  if (start >= line.length) return null
  let end = line.indexOf(' ', start)
  if (end === -1) end = line.length
  cursor.index = end + 1
  return line.slice(start, end)
}

function nil(token: string): string | null {
  return token === '-' ? null : token
}

/** `[id key="value" …][id2 …]`, with `\"`, `\\` and `\]` escapes; returns an error text on bad input. */
function readStructuredData(
  line: string,
  cursor: { index: number },
): Record<string, Record<string, string>> | null | string {
  if (line.charCodeAt(cursor.index) === 45) {
    cursor.index += 2
    return null
  }
  const elements: Record<string, Record<string, string>> = {}
  let position = cursor.index
  while (line.charCodeAt(position) === 91) {
    position++
    let idEnd = position
    while (idEnd < line.length && line[idEnd] !== ' ' && line[idEnd] !== ']') idEnd++
    const id = line.slice(position, idEnd)
    if (id.length === 0) return 'RFC 5424 structured data element has no SD-ID'
    const params: Record<string, string> = {}
    position = idEnd
    while (line[position] === ' ') {
      position++
      const equals = line.indexOf('="', position)
      if (equals === -1) return `RFC 5424 structured data parameter in [${id}] is not name="value"`
      const name = line.slice(position, equals)
      position = equals + 2
      let value = ''
      while (position < line.length && line[position] !== '"') {
        if (line[position] === '\\' && position + 1 < line.length) position++
        value += line[position]
        position++
      }
      if (position >= line.length)
        return `RFC 5424 structured data value of ${name} in [${id}] has no closing quote`
      params[name] = value
      position++
    }
    if (line[position] !== ']') return `RFC 5424 structured data element [${id}] has no closing ]`
    elements[id] = params
    position++
  }
  if (position === cursor.index) return 'RFC 5424 structured data must be - or [id ...]'
  cursor.index = line[position] === ' ' ? position + 1 : position
  return elements
}

function parse5424(
  line: string,
  start: number,
  priority: number | null,
  zone: string,
): SyslogMessage | string {
  const cursor = { index: start }
  const timestampToken = nextToken(line, cursor)
  const hostname = nextToken(line, cursor)
  const appName = nextToken(line, cursor)
  const procId = nextToken(line, cursor)
  const msgId = nextToken(line, cursor)
  if (timestampToken === null || hostname === null || appName === null || procId === null || msgId === null) {
    return 'RFC 5424 header needs VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA'
  }
  let time = Number.NaN
  if (timestampToken !== '-') {
    time = scanIsoTimestamp(timestampToken, 0, zone)
    if (Number.isNaN(time) || scanEnd.index !== timestampToken.length) {
      return `RFC 5424 timestamp "${timestampToken}" is not an RFC 3339 time`
    }
  }
  let structuredData: SyslogMessage['structuredData'] = null
  if (cursor.index < line.length) {
    const parsed = readStructuredData(line, cursor)
    if (typeof parsed === 'string') return parsed
    structuredData = parsed
  }
  let message = cursor.index < line.length ? line.slice(cursor.index) : ''
  if (message.charCodeAt(0) === 0xfeff) message = message.slice(1)
  return {
    format: 'rfc5424',
    priority,
    time,
    hostname: nil(hostname),
    appName: nil(appName),
    procId: nil(procId),
    msgId: nil(msgId),
    structuredData,
    message,
  }
}

/** A token that names the program (`sshd[123]:`, `su:`) rather than the host. */
function looksLikeTag(token: string): boolean {
  return token.endsWith(':') || token.includes('[') || token.startsWith('CEF:') || token.startsWith('LEEF:')
}

/** CEF and LEEF payloads start with `CEF:` / `LEEF:`, which must not be read as a program tag. */
function isPayloadMarker(line: string, start: number, end: number): boolean {
  const length = end - start
  return (length === 3 && line.startsWith('CEF', start)) || (length === 4 && line.startsWith('LEEF', start))
}

function parse3164(
  line: string,
  start: number,
  priority: number | null,
  zone: string,
  reference: Date,
): SyslogMessage | string {
  let position = start
  while (line.charCodeAt(position) === 32) position++
  let time = scanBsdTimestamp(line, position, zone, reference)
  if (Number.isNaN(time)) time = scanIsoTimestamp(line, position, zone)
  if (!Number.isNaN(time)) position = scanEnd.index
  else if (priority === null) {
    return 'not a syslog line: it starts with neither <PRI> nor a timestamp'
  }
  const cursor = { index: position }
  while (line.charCodeAt(cursor.index) === 32) cursor.index++
  let hostname: string | null = null
  const afterTime = cursor.index
  const first = nextToken(line, cursor)
  if (first !== null && !looksLikeTag(first) && !Number.isNaN(time)) hostname = first
  else cursor.index = afterTime
  let appName: string | null = null
  let procId: string | null = null
  const tagStart = cursor.index
  let tagEnd = tagStart
  while (tagEnd < line.length) {
    const code = line.charCodeAt(tagEnd)
    if (code === 58 || code === 91 || code === 32) break
    tagEnd++
  }
  let messageStart = tagStart
  if (
    tagEnd > tagStart &&
    tagEnd < line.length &&
    tagEnd - tagStart <= 48 &&
    !isPayloadMarker(line, tagStart, tagEnd)
  ) {
    let position = tagEnd
    let pid: string | null = null
    if (line.charCodeAt(position) === 91) {
      const close = line.indexOf(']', position)
      if (close !== -1) {
        pid = line.slice(position + 1, close)
        position = close + 1
      }
    }
    if (line.charCodeAt(position) === 58) {
      appName = line.slice(tagStart, tagEnd)
      procId = pid
      messageStart = line.charCodeAt(position + 1) === 32 ? position + 2 : position + 1
    }
  }
  return {
    format: 'rfc3164',
    priority,
    time,
    hostname,
    appName,
    procId,
    msgId: null,
    structuredData: null,
    message: line.slice(messageStart),
  }
}

/**
 * An RFC 5424 or RFC 3164 line, and the usual deviations: no `<PRI>` (lines from a file),
 * an ISO time in a 3164 header (rsyslog), a year in the BSD time, no host name, no PID.
 */
export function parseSyslogHeader(line: string, zone: string, reference: Date): SyslogMessage | string {
  const cursor = { index: 0 }
  const priority = readPriority(line, cursor)
  if (typeof priority === 'string') return priority
  const start = cursor.index
  if (priority !== null && line.charCodeAt(start) === 49 && line.charCodeAt(start + 1) === 32) {
    return parse5424(line, start + 2, priority, zone)
  }
  return parse3164(line, start, priority, zone, reference)
}

/** The header as fields of the original event (`syslog.facility` …). */
export function syslogFields(header: SyslogMessage): JsonObject {
  const fields: JsonObject = { format: header.format }
  if (header.priority !== null) {
    fields.priority = header.priority
    fields.facility = FACILITIES[header.priority >> 3] ?? header.priority >> 3
    fields.severity = SEVERITIES[header.priority & 7]
  }
  if (header.hostname !== null) fields.hostname = header.hostname
  if (header.appName !== null) fields.appname = header.appName
  if (header.procId !== null) fields.procid = header.procId
  if (header.msgId !== null) fields.msgid = header.msgId
  if (header.structuredData !== null) fields.structured_data = header.structuredData
  return fields
}
