import type { Role } from './roles.js'

/** Who is acting: a person through the console or CLI, an API token, or the system itself. */
export interface Actor {
  type: 'user' | 'token' | 'system'
  /** users.id for a user, api_tokens.id for a token. */
  id: number | null
  /** The user behind the action (a token's owner). */
  userId: number | null
  name: string
  role: Role
  /** Set when a console session authenticated the request (CSRF applies). */
  sessionIdHash?: string
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: null, userId: null, name: 'system', role: 'admin' }

/** Where a change came from, recorded in the audit log. */
export interface RequestOrigin {
  ip: string | null
  requestId: string | null
  /** Counts audit entries written for this request, so a write that forgot its entry is noticed. */
  trail?: { entries: number }
}

export const CLI_ORIGIN: RequestOrigin = { ip: null, requestId: 'cli' }
