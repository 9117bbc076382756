import type { Store } from '../store/store.js'
import type { Actor } from './actor.js'
import { randomSecret, safeEqualHex, sha256Hex } from './secrets.js'

export interface NewSession {
  /** Goes into the HttpOnly session cookie. */
  sessionId: string
  /** Goes into a readable cookie; the console echoes it in the X-CSRF-Token header (double submit). */
  csrfToken: string
  expiresAt: Date
}

/** Sliding sessions: last_seen_at is refreshed at most once a minute per session. */
const TOUCH_RESOLUTION_MS = 60_000

export class SessionsService {
  constructor(
    private readonly store: Store,
    private readonly ttlMs: number,
  ) {}

  async create(userId: number, origin: { ip: string | null; userAgent: string | null }): Promise<NewSession> {
    const sessionId = randomSecret(32)
    const csrfToken = randomSecret(32)
    const now = new Date()
    const expiresAt = new Date(now.getTime() + this.ttlMs)
    await this.store.db
      .insertInto('sessions')
      .values({
        id_hash: sha256Hex(sessionId),
        user_id: userId,
        csrf_token_hash: sha256Hex(csrfToken),
        created_at: now,
        expires_at: expiresAt,
        last_seen_at: now,
        ip: origin.ip,
        user_agent: origin.userAgent?.slice(0, 512) ?? null,
      })
      .execute()
    await this.store.db.updateTable('users').set({ last_login_at: now }).where('id', '=', userId).execute()
    return { sessionId, csrfToken, expiresAt }
  }

  async authenticate(sessionId: string): Promise<(Actor & { csrfTokenHash: string }) | undefined> {
    const idHash = sha256Hex(sessionId)
    const row = await this.store.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select([
        'sessions.id_hash',
        'sessions.csrf_token_hash',
        'sessions.expires_at',
        'sessions.last_seen_at',
        'users.id as user_id',
        'users.username',
        'users.role',
        'users.disabled',
      ])
      .where('sessions.id_hash', '=', idHash)
      .executeTakeFirst()
    const now = Date.now()
    if (!row || row.disabled || row.expires_at.getTime() <= now) return undefined
    if (now - row.last_seen_at.getTime() > TOUCH_RESOLUTION_MS) {
      await this.store.db
        .updateTable('sessions')
        .set({ last_seen_at: new Date(now), expires_at: new Date(now + this.ttlMs) })
        .where('id_hash', '=', idHash)
        .execute()
    }
    return {
      type: 'user',
      id: row.user_id,
      userId: row.user_id,
      name: row.username,
      role: row.role,
      sessionIdHash: idHash,
      csrfTokenHash: row.csrf_token_hash,
    }
  }

  csrfMatches(csrfTokenHash: string, presented: string | undefined): boolean {
    return (
      presented !== undefined && presented.length > 0 && safeEqualHex(csrfTokenHash, sha256Hex(presented))
    )
  }

  async destroy(sessionId: string): Promise<void> {
    await this.store.db.deleteFrom('sessions').where('id_hash', '=', sha256Hex(sessionId)).execute()
  }

  async deleteExpired(): Promise<number> {
    const result = await this.store.db
      .deleteFrom('sessions')
      .where('expires_at', '<', new Date())
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }
}
