import type { Actor, RequestOrigin } from '../auth/actor.js'
import { appendAudit } from '../auth/audit.js'
import { NotFoundError, UserError } from '../core/errors.js'
import type { NotifyRouteRow } from '../store/schema.js'
import type { Store } from '../store/store.js'
import { type AlertRouter, compileRouter, type NotifyRouting } from './router.js'

export interface RouteInput {
  name: string
  position?: number | undefined
  minSeverity?: string | null | undefined
  ruleTags?: string[] | undefined
  ruleIds?: string[] | undefined
  sources?: string[] | undefined
  hosts?: string[] | undefined
  users?: string[] | undefined
  channelIds: number[]
  continueMatching?: boolean | undefined
  enabled?: boolean | undefined
}

const CACHE_MS = 5_000

/** Routes from alerts to channels, and the pure router the alert services run in their transactions. */
export class RoutesService implements NotifyRouting {
  #cached: { loadedAt: number; router: AlertRouter } | undefined

  constructor(private readonly store: Store) {}

  async list(): Promise<NotifyRouteRow[]> {
    return this.store.db.selectFrom('notify_routes').selectAll().orderBy('position').orderBy('id').execute()
  }

  async get(id: number): Promise<NotifyRouteRow> {
    const row = await this.store.db
      .selectFrom('notify_routes')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFoundError('route', id)
    return row
  }

  async create(input: RouteInput, actor: Actor, origin: RequestOrigin): Promise<NotifyRouteRow> {
    await this.#checkChannels(input.channelIds)
    const now = new Date()
    const row = await this.store.transaction(async (trx) => {
      const position =
        input.position ??
        Number(
          (
            await trx
              .selectFrom('notify_routes')
              .select((eb) => eb.fn.max('position').as('last'))
              .executeTakeFirst()
          )?.last ?? 0,
        ) + 10
      const inserted = await trx
        .insertInto('notify_routes')
        .values({
          name: input.name,
          position,
          min_severity: input.minSeverity ?? null,
          rule_tags: JSON.stringify(input.ruleTags ?? []),
          rule_ids: JSON.stringify(input.ruleIds ?? []),
          sources: JSON.stringify(input.sources ?? []),
          hosts: JSON.stringify(input.hosts ?? []),
          users: JSON.stringify(input.users ?? []),
          channel_ids: JSON.stringify(input.channelIds),
          continue_matching: input.continueMatching ?? false,
          enabled: input.enabled ?? true,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await appendAudit(this.store, trx, actor, origin, {
        action: 'route.create',
        targetType: 'notify_route',
        targetId: inserted.id,
        details: { after: input },
      })
      return inserted
    })
    this.#cached = undefined
    return row
  }

  async update(
    id: number,
    input: Partial<RouteInput>,
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<NotifyRouteRow> {
    const before = await this.get(id)
    if (input.channelIds) await this.#checkChannels(input.channelIds)
    const set = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.position !== undefined ? { position: input.position } : {}),
      ...(input.minSeverity !== undefined ? { min_severity: input.minSeverity } : {}),
      ...(input.ruleTags ? { rule_tags: JSON.stringify(input.ruleTags) } : {}),
      ...(input.ruleIds ? { rule_ids: JSON.stringify(input.ruleIds) } : {}),
      ...(input.sources ? { sources: JSON.stringify(input.sources) } : {}),
      ...(input.hosts ? { hosts: JSON.stringify(input.hosts) } : {}),
      ...(input.users ? { users: JSON.stringify(input.users) } : {}),
      ...(input.channelIds ? { channel_ids: JSON.stringify(input.channelIds) } : {}),
      ...(input.continueMatching !== undefined ? { continue_matching: input.continueMatching } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      updated_at: new Date(),
    }
    const row = await this.store.transaction(async (trx) => {
      const updated = await trx
        .updateTable('notify_routes')
        .set(set)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      await appendAudit(this.store, trx, actor, origin, {
        action: 'route.update',
        targetType: 'notify_route',
        targetId: id,
        details: { before: { ...before }, after: input },
      })
      return updated
    })
    this.#cached = undefined
    return row
  }

  async delete(id: number, actor: Actor, origin: RequestOrigin): Promise<void> {
    await this.get(id)
    await this.store.transaction(async (trx) => {
      await trx.deleteFrom('notify_routes').where('id', '=', id).execute()
      await appendAudit(this.store, trx, actor, origin, {
        action: 'route.delete',
        targetType: 'notify_route',
        targetId: id,
      })
    })
    this.#cached = undefined
  }

  /** Load before a transaction, call inside it (on DuckDB a query outside an open transaction waits for it). */
  async router(): Promise<AlertRouter> {
    if (this.#cached && Date.now() - this.#cached.loadedAt < CACHE_MS) return this.#cached.router
    const [routes, channels] = await Promise.all([
      this.list(),
      this.store.db.selectFrom('notify_channels').select('id').where('enabled', '=', true).execute(),
    ])
    const router = compileRouter(routes, new Set(channels.map((channel) => channel.id)))
    this.#cached = { loadedAt: Date.now(), router }
    return router
  }

  async #checkChannels(ids: readonly number[]): Promise<void> {
    if (ids.length === 0)
      throw new UserError('invalid_route', 'a route needs at least one channel', {
        details: [{ path: 'channelIds', message: 'empty' }],
      })
    const found = await this.store.db
      .selectFrom('notify_channels')
      .select('id')
      .where('id', 'in', [...ids])
      .execute()
    const missing = ids.filter((id) => !found.some((row) => row.id === id))
    if (missing.length > 0)
      throw new UserError('invalid_route', `no channel ${missing.join(', ')}`, {
        details: [{ path: 'channelIds', message: 'unknown channel' }],
      })
  }
}
