import { EventDraft } from '../../normalise/event-draft.js'
import { asInteger, asIp, type JsonObject } from '../../normalise/values.js'
import { failure, type ParseContext, type ParseFailure, type Parser } from '../types.js'
import { auditdDraft, parseAuditd } from './auditd.js'
import { type AuthLogFields, parseSshdMessage, parseSudoMessage } from './auth-log.js'
import { parseCef } from './cef.js'
import { cefDraft } from './cef-parser.js'
import { parseLeef } from './leef.js'
import { leefDraft } from './leef-parser.js'
import { parseSyslogHeader, type SyslogMessage, syslogFields } from './syslog-header.js'

/** Programs whose lines belong in the authentication log (auth.log / secure). */
const AUTH_PROGRAMS = new Set([
  'sshd',
  'sshd-session',
  'sudo',
  'su',
  'login',
  'passwd',
  'useradd',
  'usermod',
  'userdel',
  'groupadd',
  'chpasswd',
  'systemd-logind',
  'polkitd',
  'pkexec',
])
const AUTH_FACILITIES = new Set([4, 10])

function fillHeader(draft: EventDraft, header: SyslogMessage): void {
  draft.hostName ??= header.hostname
  draft.processName ??= header.appName
  draft.processPid ??= asInteger(header.procId)
  if (draft.timestamp === null && !Number.isNaN(header.time)) draft.timestamp = new Date(header.time)
}

function isAuthLine(header: SyslogMessage): boolean {
  if (header.appName !== null && AUTH_PROGRAMS.has(header.appName)) return true
  return header.priority !== null && AUTH_FACILITIES.has(header.priority >> 3)
}

function authDraft(original: JsonObject, header: SyslogMessage): EventDraft {
  const draft = new EventDraft('system.auth', original)
  draft.message = header.message
  const app = header.appName
  let auth: AuthLogFields | null = null
  if (app === 'sshd' || app === 'sshd-session') auth = parseSshdMessage(header.message)
  else if (app === 'sudo') auth = parseSudoMessage(header.message)
  if (auth !== null) {
    original[app === 'sudo' ? 'sudo' : 'sshd'] = auth
    draft.eventCode = auth.event
    draft.action = app === 'sudo' ? `sudo_${auth.event}` : `ssh_${auth.event}`
    draft.outcome = auth.outcome ?? null
    draft.userName = auth.user ?? null
    draft.sourceIp = auth.source_ip === undefined ? null : asIp(auth.source_ip)
    draft.sourcePort = auth.source_port ?? null
    draft.processCommandLine = auth.command ?? null
  }
  return draft
}

/**
 * A syslog line and what it carries: CEF, LEEF and auditd payloads are parsed as such, sshd
 * and sudo lines as authentication events (`system.auth`), anything else stays `syslog`.
 */
export function syslogDraft(line: string, context: ParseContext): EventDraft | ParseFailure {
  const header = parseSyslogHeader(line, context.timezone, context.receivedAt)
  if (typeof header === 'string') return failure(header)
  const headerTime = Number.isNaN(header.time) ? null : new Date(header.time)
  const syslog = syslogFields(header)
  const message = header.message
  let draft: EventDraft
  if (message.startsWith('CEF:')) {
    const fields = parseCef(message)
    if (typeof fields === 'string') return failure(fields)
    draft = cefDraft({ message: line, syslog, ...fields }, context, headerTime)
  } else if (message.startsWith('LEEF:')) {
    const fields = parseLeef(message)
    if (typeof fields === 'string') return failure(fields)
    draft = leefDraft({ message: line, syslog, ...fields }, context, headerTime)
  } else if (message.startsWith('type=') && message.includes('audit(')) {
    const fields = parseAuditd(message)
    if (typeof fields === 'string') return failure(fields)
    fields.message = line
    fields.syslog = syslog
    draft = auditdDraft(fields)
  } else if (isAuthLine(header)) {
    draft = authDraft({ message: line, syslog }, header)
  } else {
    draft = new EventDraft('syslog', { message: line, syslog })
    draft.message = message
  }
  fillHeader(draft, header)
  return draft
}

export const syslogParser: Parser = {
  name: 'syslog',
  summary:
    'syslog RFC 5424 (structured data kept) and RFC 3164 with common deviations; CEF/LEEF/auditd/sshd payloads read',
  parseText: syslogDraft,
}

/** auth.log lines: like syslog, and every line is an authentication-log event. */
export const sshdParser: Parser = {
  name: 'sshd',
  summary: 'auth.log / secure lines: sshd logins (accepted, failed, invalid user …) and sudo',
  parseText(line, context) {
    const header = parseSyslogHeader(line, context.timezone, context.receivedAt)
    if (typeof header === 'string') return failure(header)
    const draft = authDraft({ message: line, syslog: syslogFields(header) }, header)
    fillHeader(draft, header)
    return draft
  },
}
