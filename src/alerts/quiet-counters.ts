import { sql, type Transaction } from 'kysely'
import { Counter, type Registry } from 'prom-client'
import type { Database, QuietReason } from '../store/schema.js'
import type { Store } from '../store/store.js'

export const QUIET_REASONS: readonly QuietReason[] = ['deduplicated', 'suppressed', 'excepted', 'silenced']

/**
 * Why detections did not open an alert (deduplicated into an open one, suppressed, excepted) and
 * why a new alert was not notified (silenced), tallied during one builder batch.
 */
export class QuietTally {
  readonly #counts = new Map<string, { reason: QuietReason; ruleId: string; total: number }>()

  add(reason: QuietReason, ruleId: string, amount: number): void {
    if (amount <= 0) return
    const key = `${reason}\u0000${ruleId}`
    const entry = this.#counts.get(key)
    if (entry) entry.total += amount
    else this.#counts.set(key, { reason, ruleId, total: amount })
  }

  get entries(): { reason: QuietReason; ruleId: string; total: number }[] {
    return [...this.#counts.values()]
  }

  /** Adds the tally to the per-day counters inside the caller's transaction (with the alert changes). */
  async write(trx: Transaction<Database>, at: Date): Promise<void> {
    const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()))
    for (const entry of this.entries) {
      await trx
        .insertInto('alert_quiet_counters')
        .values({ day, reason: entry.reason, rule_id: entry.ruleId, total: entry.total })
        .onConflict((conflict) =>
          conflict
            .columns(['day', 'reason', 'rule_id'])
            .doUpdateSet({ total: sql`alert_quiet_counters.total + excluded.total` }),
        )
        .execute()
    }
  }
}

/** The same reasons as a Prometheus counter of this process (`watchfloor_alerts_quieted_total`). */
export class AlertQuietMetrics {
  readonly quieted: Counter<'reason'>

  constructor(registry: Registry) {
    this.quieted = new Counter({
      name: 'watchfloor_alerts_quieted_total',
      help: 'Detections that raised no new alert (deduplicated, suppressed, excepted) and new alerts not notified (silenced), by reason',
      labelNames: ['reason'],
      registers: [registry],
    })
    for (const reason of QUIET_REASONS) this.quieted.inc({ reason }, 0)
  }

  observe(tally: QuietTally): void {
    for (const entry of tally.entries) this.quieted.inc({ reason: entry.reason }, entry.total)
  }
}

export interface QuietStats {
  since: Date | null
  until: Date | null
  totals: Record<QuietReason, number>
  byRule: { ruleId: string; reason: QuietReason; total: number }[]
}

/** Counts per reason over whole UTC days, from the counters every node writes. */
export async function quietStats(
  store: Store,
  filter: { since?: Date | undefined; until?: Date | undefined; ruleId?: string | undefined },
): Promise<QuietStats> {
  let query = store.db
    .selectFrom('alert_quiet_counters')
    .select(['reason', 'rule_id', (eb) => eb.fn.sum<number | string>('total').as('total')])
    .groupBy(['reason', 'rule_id'])
  if (filter.since) query = query.where('day', '>=', dayOf(filter.since))
  if (filter.until) query = query.where('day', '<', filter.until)
  if (filter.ruleId) query = query.where('rule_id', '=', filter.ruleId)
  const rows = await query.execute()
  const totals = Object.fromEntries(QUIET_REASONS.map((reason) => [reason, 0])) as Record<QuietReason, number>
  const byRule = rows.map((row) => ({ ruleId: row.rule_id, reason: row.reason, total: Number(row.total) }))
  for (const row of byRule) totals[row.reason] += row.total
  byRule.sort((a, b) => b.total - a.total || a.ruleId.localeCompare(b.ruleId))
  return { since: filter.since ?? null, until: filter.until ?? null, totals, byRule: byRule.slice(0, 100) }
}

function dayOf(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()))
}
