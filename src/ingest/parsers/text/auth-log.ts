import type { JsonObject } from '../../normalise/values.js'

/** What an sshd or sudo line in auth.log says, in the names the events keep. */
export interface AuthLogFields extends JsonObject {
  /** `accepted`, `failed`, `invalid_user`, `session_opened` … */
  event: string
  outcome?: 'success' | 'failure'
  method?: string
  user?: string
  source_ip?: string
  source_port?: number
  invalid_user?: boolean
  command?: string
  target_user?: string
}

const FROM = String.raw`(?: from (\S+)(?: port (\d+))?)?`
const SSHD_PATTERNS: ReadonlyArray<[RegExp, (match: RegExpExecArray) => AuthLogFields]> = [
  [
    new RegExp(String.raw`^(Accepted|Failed|Postponed) (\S+) for (invalid user )?(.*?)${FROM}(?: ssh2.*)?$`),
    (match) => ({
      event: match[1]!.toLowerCase(),
      outcome: match[1] === 'Accepted' ? 'success' : 'failure',
      method: match[2]!,
      user: match[4]!,
      ...(match[3] ? { invalid_user: true } : {}),
      ...endpoint(match[5], match[6]),
    }),
  ],
  [
    new RegExp(`^Invalid user (.*?)${FROM}$`),
    (match) => ({
      event: 'invalid_user',
      outcome: 'failure',
      user: match[1]!,
      invalid_user: true,
      ...endpoint(match[2], match[3]),
    }),
  ],
  [
    /^pam_unix\(sshd:session\): session (opened|closed) for user (\S+)/,
    (match) => ({ event: `session_${match[1]}`, user: match[2]! }),
  ],
  [
    /^pam_unix\(sshd:auth\): authentication failure;.*?rhost=(\S*)(?:\s+user=(\S+))?/,
    (match) => ({
      event: 'authentication_failure',
      outcome: 'failure',
      ...optionalUser(match[2]),
      ...endpoint(match[1], undefined),
    }),
  ],
  [
    /^(?:error: )?maximum authentication attempts exceeded for (invalid user )?(\S+) from (\S+) port (\d+)/,
    (match) => ({
      event: 'max_attempts_exceeded',
      outcome: 'failure',
      user: match[2]!,
      ...endpoint(match[3], match[4]),
    }),
  ],
  [
    /^Connection closed by (?:(authenticating|invalid) user (\S+) )?(\S+) port (\d+)/,
    (match) => ({ event: 'connection_closed', ...optionalUser(match[2]), ...endpoint(match[3], match[4]) }),
  ],
  [
    /^Disconnected from (?:(?:authenticating |invalid )?user (\S+) )?(\S+) port (\d+)/,
    (match) => ({ event: 'disconnected', ...optionalUser(match[1]), ...endpoint(match[2], match[3]) }),
  ],
  [
    /^Received disconnect from (\S+) port (\d+)/,
    (match) => ({ event: 'disconnected', ...endpoint(match[1], match[2]) }),
  ],
  [
    /^Did not receive identification string from (\S+)(?: port (\d+))?/,
    (match) => ({ event: 'no_identification', outcome: 'failure', ...endpoint(match[1], match[2]) }),
  ],
]

function endpoint(ip: string | undefined, port: string | undefined): Partial<AuthLogFields> {
  const fields: Partial<AuthLogFields> = {}
  if (ip) fields.source_ip = ip
  if (port) fields.source_port = Number(port)
  return fields
}

function optionalUser(user: string | undefined): Partial<AuthLogFields> {
  return user ? { user } : {}
}

/** An sshd message (the part after `sshd[pid]: `); null when it is none of the known kinds. */
export function parseSshdMessage(message: string): AuthLogFields | null {
  for (const [pattern, build] of SSHD_PATTERNS) {
    const match = pattern.exec(message)
    if (match !== null) return build(match)
  }
  return null
}

/** `alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id` (and the failures). */
export function parseSudoMessage(message: string): AuthLogFields | null {
  const separator = message.indexOf(' : ')
  if (separator <= 0) return null
  const fields: AuthLogFields = { event: 'command', user: message.slice(0, separator).trim() }
  for (const part of message.slice(separator + 3).split(' ; ')) {
    const equals = part.indexOf('=')
    if (equals === -1) {
      fields.event = 'failure'
      fields.outcome = 'failure'
      continue
    }
    const key = part.slice(0, equals)
    const value = part.slice(equals + 1)
    if (key === 'COMMAND') fields.command = value
    else if (key === 'USER') fields.target_user = value
  }
  return fields.command === undefined ? null : fields
}
