import { ConflictError, NotFoundError, UserError } from '../core/errors.js'
import type { UserRow } from '../store/schema.js'
import type { Store } from '../store/store.js'
import { type Actor, type RequestOrigin, SYSTEM_ACTOR } from './actor.js'
import { appendAudit } from './audit.js'
import { bumpAuthEpoch } from './auth-epoch.js'
import { generatePassword, hashPassword, PASSWORD_MIN_LENGTH, verifyPassword } from './passwords.js'
import type { Role } from './roles.js'

export interface PublicUser {
  id: number
  username: string
  displayName: string | null
  role: Role
  disabled: boolean
  mustChangePassword: boolean
  createdAt: string
  lastLoginAt: string | null
}

export function toPublicUser(row: UserRow): PublicUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    disabled: row.disabled,
    mustChangePassword: row.must_change_password,
    createdAt: row.created_at.toISOString(),
    lastLoginAt: row.last_login_at?.toISOString() ?? null,
  }
}

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._@-]{1,63}$/

export function validatePassword(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw new UserError('weak_password', `password must be at least ${PASSWORD_MIN_LENGTH} characters`, {
      details: [{ path: 'password', message: `shorter than ${PASSWORD_MIN_LENGTH} characters` }],
    })
  }
}

export class UsersService {
  constructor(private readonly store: Store) {}

  async create(
    input: {
      username: string
      password: string
      role: Role
      displayName?: string | null | undefined
      mustChangePassword?: boolean
    },
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<PublicUser> {
    if (!USERNAME_PATTERN.test(input.username)) {
      throw new UserError(
        'invalid_username',
        'username must be 2-64 characters of a-z, 0-9, . _ @ -, starting with a letter or digit',
        {
          details: [{ path: 'username', message: 'invalid characters or length' }],
        },
      )
    }
    validatePassword(input.password)
    const passwordHash = await hashPassword(input.password)
    return this.store.transaction(async (trx) => {
      const existing = await trx
        .selectFrom('users')
        .select('id')
        .where('username', '=', input.username)
        .executeTakeFirst()
      if (existing) throw new ConflictError(`user ${input.username} already exists`)
      const now = new Date()
      const row = await trx
        .insertInto('users')
        .values({
          username: input.username,
          display_name: input.displayName ?? null,
          password_hash: passwordHash,
          role: input.role,
          must_change_password: input.mustChangePassword ?? false,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await appendAudit(this.store, trx, actor, origin, {
        action: 'user.create',
        targetType: 'user',
        targetId: row.id,
        details: { after: { username: row.username, role: row.role } },
      })
      return toPublicUser(row)
    })
  }

  async list(): Promise<PublicUser[]> {
    const rows = await this.store.db.selectFrom('users').selectAll().orderBy('id').execute()
    return rows.map(toPublicUser)
  }

  async get(id: number): Promise<PublicUser> {
    const row = await this.store.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) throw new NotFoundError('user', id)
    return toPublicUser(row)
  }

  async findByUsername(username: string): Promise<UserRow | undefined> {
    return this.store.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst()
  }

  /** Disabling also revokes the user's sessions and tokens: a disabled account must stop working at once. */
  async setDisabled(
    username: string,
    disabled: boolean,
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<PublicUser> {
    return this.store.transaction(async (trx) => {
      const before = await trx
        .selectFrom('users')
        .selectAll()
        .where('username', '=', username)
        .executeTakeFirst()
      if (!before) throw new NotFoundError('user', username)
      if (disabled && actor.userId === before.id)
        throw new UserError('cannot_disable_self', 'you cannot disable your own account')
      const now = new Date()
      const row = await trx
        .updateTable('users')
        .set({ disabled, updated_at: now })
        .where('id', '=', before.id)
        .returningAll()
        .executeTakeFirstOrThrow()
      bumpAuthEpoch()
      if (disabled) {
        await trx.deleteFrom('sessions').where('user_id', '=', before.id).execute()
        await trx
          .updateTable('api_tokens')
          .set({ revoked_at: now })
          .where('user_id', '=', before.id)
          .where('revoked_at', 'is', null)
          .execute()
      }
      await appendAudit(this.store, trx, actor, origin, {
        action: disabled ? 'user.disable' : 'user.enable',
        targetType: 'user',
        targetId: row.id,
        details: { before: { disabled: before.disabled }, after: { disabled } },
      })
      return toPublicUser(row)
    })
  }

  async changePassword(
    userId: number,
    currentPassword: string,
    newPassword: string,
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<void> {
    const row = await this.store.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', userId)
      .executeTakeFirst()
    if (!row) throw new NotFoundError('user', userId)
    if (!(await verifyPassword(currentPassword, row.password_hash))) {
      throw new UserError('wrong_password', 'the current password is wrong', { status: 403 })
    }
    validatePassword(newPassword)
    const passwordHash = await hashPassword(newPassword)
    await this.store.transaction(async (trx) => {
      await trx
        .updateTable('users')
        .set({ password_hash: passwordHash, must_change_password: false, updated_at: new Date() })
        .where('id', '=', userId)
        .execute()
      await appendAudit(this.store, trx, actor, origin, {
        action: 'user.password_change',
        targetType: 'user',
        targetId: userId,
      })
    })
  }

  /** Returns the user when the password is right and the account is enabled; otherwise undefined. */
  async verifyCredentials(username: string, password: string): Promise<UserRow | undefined> {
    const row = await this.findByUsername(username)
    if (!row) {
      // Spend the same time as a real check so response times do not reveal which usernames exist.
      await verifyPassword(password, DUMMY_HASH)
      return undefined
    }
    const ok = await verifyPassword(password, row.password_hash)
    return ok && !row.disabled ? row : undefined
  }

  /**
   * On an empty database creates the first admin. Returns the password to print once, or
   * undefined when users already exist (or a configured password was used).
   */
  async ensureBootstrapAdmin(
    configuredPassword: string | undefined,
  ): Promise<{ username: string; password?: string } | undefined> {
    const existingUser = await this.store.db.selectFrom('users').select('id').limit(1).executeTakeFirst()
    if (existingUser) return undefined
    const password = configuredPassword ?? generatePassword()
    await this.create(
      {
        username: 'admin',
        password,
        role: 'admin',
        displayName: 'Administrator',
        mustChangePassword: configuredPassword === undefined,
      },
      SYSTEM_ACTOR,
      { ip: null, requestId: 'bootstrap' },
    )
    return configuredPassword === undefined ? { username: 'admin', password } : { username: 'admin' }
  }
}

const DUMMY_HASH = 'scrypt$131072$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='
