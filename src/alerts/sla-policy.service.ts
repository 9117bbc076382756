import type { Actor, RequestOrigin } from '../auth/actor.js'
import { appendAudit } from '../auth/audit.js'
import type { Store } from '../store/store.js'
import { type SlaPolicy, slaPolicySchema } from './sla-policy.js'

/** How long a policy read from the database is reused by list and detail responses. */
const POLICY_CACHE_MS = 5_000

export interface CurrentSlaPolicy {
  policy: SlaPolicy
  /** 0 while the configured defaults apply. */
  version: number
  updatedAt: Date | null
  updatedBy: string | null
}

/** The SLA policy: the configured defaults until an admin replaces them (one row, versioned). */
export class SlaPolicyService {
  #cached: { value: CurrentSlaPolicy; at: number } | undefined

  constructor(
    private readonly store: Store,
    private readonly defaults: SlaPolicy,
  ) {}

  async current(options: { fresh?: boolean } = {}): Promise<CurrentSlaPolicy> {
    if (!options.fresh && this.#cached && Date.now() - this.#cached.at < POLICY_CACHE_MS)
      return this.#cached.value
    const row = await this.store.db
      .selectFrom('alert_sla_policy')
      .selectAll()
      .where('id', '=', 1)
      .executeTakeFirst()
    const stored = row ? slaPolicySchema.safeParse(row.policy) : undefined
    const value: CurrentSlaPolicy =
      row && stored?.success
        ? { policy: stored.data, version: row.version, updatedAt: row.updated_at, updatedBy: row.updated_by }
        : { policy: this.defaults, version: 0, updatedAt: null, updatedBy: null }
    this.#cached = { value, at: Date.now() }
    return value
  }

  /** Replaces the policy; open alerts get due times under it at the SLA task's next run. */
  async updatePolicy(policy: SlaPolicy, actor: Actor, origin: RequestOrigin): Promise<CurrentSlaPolicy> {
    const now = new Date()
    await this.store.transaction(async (trx) => {
      const before = await trx
        .selectFrom('alert_sla_policy')
        .select(['version', 'policy'])
        .where('id', '=', 1)
        .executeTakeFirst()
      const version = (before?.version ?? 0) + 1
      const values = { policy: JSON.stringify(policy), version, updated_at: now, updated_by: actor.name }
      if (before) await trx.updateTable('alert_sla_policy').set(values).where('id', '=', 1).execute()
      else
        await trx
          .insertInto('alert_sla_policy')
          .values({ id: 1, ...values })
          .execute()
      await appendAudit(this.store, trx, actor, origin, {
        action: 'alert.sla_policy.update',
        targetType: 'sla_policy',
        targetId: 1,
        details: { version, before: before?.policy ?? this.defaults, after: policy },
      })
    })
    this.#cached = undefined
    return this.current({ fresh: true })
  }
}
