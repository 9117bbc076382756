import type { Transaction } from 'kysely'
import type { z } from 'zod'
import type { Actor, RequestOrigin } from '../auth/actor.js'
import { appendAudit } from '../auth/audit.js'
import { NotFoundError, UserError } from '../core/errors.js'
import type { Database, NotifyChannelRow } from '../store/schema.js'
import type { Store } from '../store/store.js'
import type { ChannelDefinition } from './channels/define-channel.js'
import { CHANNEL_KINDS } from './channels/index.js'
import type { SecretBox } from './secret-box.js'

export const MASK = '••••••••'

export interface ChannelInput {
  name: string
  kind: string
  config: Record<string, unknown>
  enabled?: boolean | undefined
}

export interface PublicChannel {
  id: number
  name: string
  kind: string
  enabled: boolean
  /** Secrets masked: a URL keeps its scheme and host, anything else shows as •••. */
  config: Record<string, unknown>
  createdAt: string
  updatedAt: string
}

/** A channel ready to deliver: its whole configuration, secrets opened. */
export interface DeliverableChannel {
  id: number
  name: string
  enabled: boolean
  definition: ChannelDefinition
  config: Record<string, unknown>
}

function definitionOf(kind: string): ChannelDefinition {
  const definition = CHANNEL_KINDS.get(kind)
  if (!definition)
    throw new UserError(
      'unknown_channel_kind',
      `unknown channel kind "${kind}"; use one of ${[...CHANNEL_KINDS.keys()].join(', ')}`,
      {
        details: [{ path: 'kind', message: 'unknown' }],
      },
    )
  return definition
}

export function maskSecret(value: unknown): string {
  if (typeof value === 'string' && /^https?:\/\//.test(value)) {
    try {
      return `${new URL(value).origin}/${MASK}`
    } catch {
      return MASK
    }
  }
  return MASK
}

function validate(definition: ChannelDefinition, config: Record<string, unknown>): Record<string, unknown> {
  const parsed = (definition.config as z.ZodType<Record<string, unknown>>).safeParse(config)
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => ({
      path: ['config', ...issue.path].join('.'),
      message: issue.message,
    }))
    throw new UserError(
      'invalid_channel',
      `invalid ${definition.kind} channel: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
      { details },
    )
  }
  return parsed.data
}

/** Notification channels; their secrets are sealed at rest and never leave through the API. */
export class ChannelsService {
  constructor(
    private readonly store: Store,
    private readonly box: () => SecretBox,
  ) {}

  toPublic(row: NotifyChannelRow): PublicChannel {
    const definition = CHANNEL_KINDS.get(row.kind)
    const config: Record<string, unknown> = { ...row.settings }
    for (const field of definition?.secrets ?? []) config[field] = MASK
    const secrets = this.#openSecrets(row, false)
    for (const [field, value] of Object.entries(secrets)) config[field] = maskSecret(value)
    return {
      id: row.id,
      name: row.name,
      kind: row.kind,
      enabled: row.enabled,
      config,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    }
  }

  async list(): Promise<NotifyChannelRow[]> {
    return this.store.db.selectFrom('notify_channels').selectAll().orderBy('id').execute()
  }

  async get(id: number): Promise<NotifyChannelRow> {
    const row = await this.store.db
      .selectFrom('notify_channels')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFoundError('channel', id)
    return row
  }

  async create(input: ChannelInput, actor: Actor, origin: RequestOrigin): Promise<NotifyChannelRow> {
    const definition = definitionOf(input.kind)
    const { settings, sealed } = this.#split(definition, validate(definition, input.config))
    const now = new Date()
    return this.#write(async (trx) => {
      const row = await trx
        .insertInto('notify_channels')
        .values({
          name: input.name,
          kind: input.kind,
          settings: JSON.stringify(settings),
          secrets_sealed: sealed,
          enabled: input.enabled ?? true,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await appendAudit(this.store, trx, actor, origin, {
        action: 'channel.create',
        targetType: 'channel',
        targetId: row.id,
        details: { after: { name: input.name, kind: input.kind, settings } },
      })
      return row
    })
  }

  /** Changes name, enabled or config; a secret field left out or sent masked keeps its value. */
  async update(
    id: number,
    input: Partial<Omit<ChannelInput, 'kind'>>,
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<NotifyChannelRow> {
    const before = await this.get(id)
    const definition = definitionOf(before.kind)
    const current = { ...before.settings, ...this.#openSecrets(before, true) }
    const next: Record<string, unknown> = { ...current, ...(input.config ?? {}) }
    for (const field of definition.secrets) {
      const given = input.config?.[field]
      if (given === undefined || (typeof given === 'string' && given.includes(MASK)))
        next[field] = current[field]
    }
    const { settings, sealed } = this.#split(definition, validate(definition, next))
    return this.#write(async (trx) => {
      const row = await trx
        .updateTable('notify_channels')
        .set({
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
          settings: JSON.stringify(settings),
          secrets_sealed: sealed,
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      await appendAudit(this.store, trx, actor, origin, {
        action: 'channel.update',
        targetType: 'channel',
        targetId: id,
        details: {
          before: { name: before.name, enabled: before.enabled, settings: before.settings },
          after: { name: row.name, enabled: row.enabled, settings },
          secretsChanged: definition.secrets.filter((field) => next[field] !== current[field]),
        },
      })
      return row
    })
  }

  async delete(id: number, actor: Actor, origin: RequestOrigin): Promise<void> {
    const before = await this.get(id)
    await this.store.transaction(async (trx) => {
      await trx.deleteFrom('notify_channels').where('id', '=', id).execute()
      await appendAudit(this.store, trx, actor, origin, {
        action: 'channel.delete',
        targetType: 'channel',
        targetId: id,
        details: { before: { name: before.name, kind: before.kind } },
      })
    })
  }

  /** Every channel with its secrets opened, for the delivery worker. */
  async deliverable(): Promise<Map<number, DeliverableChannel>> {
    const channels = new Map<number, DeliverableChannel>()
    for (const row of await this.list()) {
      const definition = CHANNEL_KINDS.get(row.kind)
      if (!definition) continue
      channels.set(row.id, {
        id: row.id,
        name: row.name,
        enabled: row.enabled,
        definition,
        config: { ...row.settings, ...this.#openSecrets(row, true) },
      })
    }
    return channels
  }

  #split(definition: ChannelDefinition, config: Record<string, unknown>) {
    const settings: Record<string, unknown> = {}
    const secrets: Record<string, unknown> = {}
    for (const [field, value] of Object.entries(config)) {
      if ((definition.secrets as readonly string[]).includes(field)) secrets[field] = value
      else settings[field] = value
    }
    return { settings, sealed: this.box().seal(JSON.stringify(secrets)) }
  }

  #openSecrets(row: NotifyChannelRow, strict: boolean): Record<string, unknown> {
    try {
      return JSON.parse(this.box().open(row.secrets_sealed)) as Record<string, unknown>
    } catch (error) {
      if (strict) throw error
      return {}
    }
  }

  async #write(work: (trx: Transaction<Database>) => Promise<NotifyChannelRow>): Promise<NotifyChannelRow> {
    try {
      return await this.store.transaction(work)
    } catch (error) {
      if (!(error instanceof UserError) && /unique|duplicate key/i.test((error as Error).message))
        throw new UserError('channel_name_taken', 'a channel with this name exists', { status: 409 })
      throw error
    }
  }
}
