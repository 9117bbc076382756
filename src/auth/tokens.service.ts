import { randomBytes } from 'node:crypto'
import { NotFoundError, UserError } from '../core/errors.js'
import type { ApiTokenRow } from '../store/schema.js'
import type { Store } from '../store/store.js'
import type { Actor, RequestOrigin } from './actor.js'
import { appendAudit } from './audit.js'
import { authEpoch, bumpAuthEpoch } from './auth-epoch.js'
import { type Role, roleAllows } from './roles.js'
import { randomSecret, safeEqualHex, sha256Hex } from './secrets.js'

export interface PublicToken {
  id: number
  name: string
  role: Role
  userId: number
  prefix: string
  createdAt: string
  expiresAt: string | null
  revokedAt: string | null
  lastUsedAt: string | null
}

const TOKEN_PATTERN = /^wf_([a-f0-9]{16})_([A-Za-z0-9_-]{43})$/

function toPublicToken(row: ApiTokenRow): PublicToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    userId: row.user_id,
    prefix: `wf_${row.lookup_id}`,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
  }
}

/** last_used_at is written at most this often per token, so that busy tokens do not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000

/** How long a verified token is trusted without asking the database again. */
const AUTH_CACHE_MS = 5_000
const AUTH_CACHE_MAX = 10_000

export class TokensService {
  readonly #cache = new Map<string, { actor: Actor; until: number; epoch: number }>()

  constructor(private readonly store: Store) {}

  /** Creates a token and returns its secret: shown once, stored only as a hash. */
  async create(
    input: { name: string; role: Role; userId: number; expiresAt?: Date | null | undefined },
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<{ token: string; info: PublicToken }> {
    if (!roleAllows(actor.role, input.role)) {
      throw new UserError(
        'role_escalation',
        `a ${actor.role} cannot create a token with role ${input.role}`,
        { status: 403 },
      )
    }
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw new UserError('invalid_expiry', 'expiresAt must be in the future', {
        details: [{ path: 'expiresAt', message: 'in the past' }],
      })
    }
    const lookupId = randomBytes(8).toString('hex')
    const secret = randomSecret(32)
    return this.store.transaction(async (trx) => {
      const owner = await trx
        .selectFrom('users')
        .select(['id', 'disabled'])
        .where('id', '=', input.userId)
        .executeTakeFirst()
      if (!owner || owner.disabled) throw new NotFoundError('user', input.userId)
      const row = await trx
        .insertInto('api_tokens')
        .values({
          name: input.name,
          lookup_id: lookupId,
          secret_hash: sha256Hex(secret),
          role: input.role,
          user_id: input.userId,
          created_at: new Date(),
          expires_at: input.expiresAt ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await appendAudit(this.store, trx, actor, origin, {
        action: 'token.create',
        targetType: 'api_token',
        targetId: row.id,
        details: {
          after: {
            name: row.name,
            role: row.role,
            userId: row.user_id,
            expiresAt: row.expires_at?.toISOString() ?? null,
          },
        },
      })
      return { token: `wf_${row.lookup_id}_${secret}`, info: toPublicToken(row) }
    })
  }

  async list(filter: { userId?: number } = {}): Promise<PublicToken[]> {
    let query = this.store.db.selectFrom('api_tokens').selectAll().orderBy('id')
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId)
    return (await query.execute()).map(toPublicToken)
  }

  async revoke(id: number, actor: Actor, origin: RequestOrigin, onlyOwnedBy?: number): Promise<PublicToken> {
    return this.store.transaction(async (trx) => {
      const before = await trx.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst()
      if (!before || (onlyOwnedBy !== undefined && before.user_id !== onlyOwnedBy))
        throw new NotFoundError('token', id)
      const row = await trx
        .updateTable('api_tokens')
        .set({ revoked_at: before.revoked_at ?? new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      bumpAuthEpoch()
      await appendAudit(this.store, trx, actor, origin, {
        action: 'token.revoke',
        targetType: 'api_token',
        targetId: id,
      })
      return toPublicToken(row)
    })
  }

  /** Resolves a presented bearer token to an actor, or undefined when it is unknown, revoked, expired or its owner is disabled. */
  async authenticate(presented: string): Promise<Actor | undefined> {
    const cacheKey = sha256Hex(presented)
    const cached = this.#cache.get(cacheKey)
    if (cached && cached.until > Date.now() && cached.epoch === authEpoch()) return cached.actor
    const verified = await this.#authenticateUncached(presented)
    if (!verified) return undefined
    if (this.#cache.size >= AUTH_CACHE_MAX) this.#cache.clear()
    const until = Math.min(
      Date.now() + AUTH_CACHE_MS,
      verified.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY,
    )
    this.#cache.set(cacheKey, { actor: verified.actor, until, epoch: authEpoch() })
    return verified.actor
  }

  async #authenticateUncached(
    presented: string,
  ): Promise<{ actor: Actor; expiresAt: Date | null } | undefined> {
    const match = TOKEN_PATTERN.exec(presented)
    if (!match) return undefined
    const [, lookupId, secret] = match
    const row = await this.store.db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select([
        'api_tokens.id',
        'api_tokens.name',
        'api_tokens.secret_hash',
        'api_tokens.role',
        'api_tokens.user_id',
        'api_tokens.expires_at',
        'api_tokens.revoked_at',
        'api_tokens.last_used_at',
        'users.disabled',
        'users.role as user_role',
      ])
      .where('api_tokens.lookup_id', '=', lookupId!)
      .executeTakeFirst()
    if (!row || !safeEqualHex(row.secret_hash, sha256Hex(secret!))) return undefined
    const now = Date.now()
    if (row.revoked_at || row.disabled || (row.expires_at && row.expires_at.getTime() <= now))
      return undefined
    if (!row.last_used_at || now - row.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.store.db
        .updateTable('api_tokens')
        .set({ last_used_at: new Date(now) })
        .where('id', '=', row.id)
        .execute()
    }
    // A token never holds more than its owner does now: demoting a user demotes their tokens.
    const role = roleAllows(row.user_role, row.role) ? row.role : row.user_role
    return {
      actor: { type: 'token', id: row.id, userId: row.user_id, name: `token:${row.name}`, role },
      expiresAt: row.expires_at,
    }
  }
}
