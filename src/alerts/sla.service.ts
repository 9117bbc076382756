import { type Kysely, sql, type Transaction } from 'kysely'
import { Counter, type Registry } from 'prom-client'
import { enqueueAlertNotifications } from '../notify/enqueue.js'
import { noticeFromAlert } from '../notify/message.js'
import { type AlertRouter, NO_ROUTES, type NotifyRouting } from '../notify/router.js'
import type { AlertRow, AlertSlaRow, Database } from '../store/schema.js'
import type { Leadership, Store } from '../store/store.js'
import type { AlertEventSink } from './alert-stream.js'
import { computeDue, doneAt, type SlaDue, type SlaState, type SlaView, slaView } from './sla.js'
import { type SlaKind, type SlaPolicy, targetMs } from './sla-policy.js'
import { type CurrentSlaPolicy, SlaPolicyService } from './sla-policy.service.js'

/** Cursor names in `detect_cursors`: the last alert id given due times, the last breach scan (ms). */
const COMPUTED_CURSOR = 'alert-sla'
const SCANNED_CURSOR = 'alert-sla-scan'
/** The last time stored states were brought up to date (ms). */
const STATE_CURSOR = 'alert-sla-state'
/** Triage changes committed this long after their `updated_at` are still picked up. */
const CHANGE_SLACK_MS = 60_000
const BATCH = 1_000
export interface SlaBreach {
  alertId: number
  kind: SlaKind
  dueAt: Date
}

type AlertWithDue = AlertRow & SlaDue & Pick<AlertSlaRow, 'ack_breached_at' | 'close_breached_at'>

/**
 * Alert SLAs: the policy (configured defaults, overridden through the API), each alert's state,
 * and the periodic task that gives alerts their due times and records each breach once per alert
 * and kind: a history entry, a counter, an `alert.sla_breach` notification through the outbox
 * (in the same transaction) and an event on the live stream.
 */
export class AlertSlaService {
  /** The policy: configured defaults, replaced through the API. */
  readonly policies: SlaPolicyService
  #computedVersion: number | undefined
  #leadership: Leadership | undefined
  readonly #breaches: Counter<'kind' | 'severity'> | undefined

  constructor(
    private readonly store: Store,
    defaults: SlaPolicy,
    private readonly options: { notify?: NotifyRouting; events?: AlertEventSink; registry?: Registry } = {},
  ) {
    this.policies = new SlaPolicyService(store, defaults)
    this.#breaches = options.registry
      ? new Counter({
          name: 'watchfloor_alert_sla_breaches_total',
          help: 'Alert SLA breaches recorded by this node, by kind (ack, close) and severity',
          labelNames: ['kind', 'severity'],
          registers: [options.registry],
        })
      : undefined
  }

  /** SLA state of each alert, keyed by alert id. */
  async views(alerts: readonly AlertRow[], now = new Date()): Promise<Map<number, SlaView>> {
    const views = new Map<number, SlaView>()
    if (alerts.length === 0) return views
    const { policy } = await this.policies.current()
    const stored = await this.store.db
      .selectFrom('alert_sla')
      .selectAll()
      .where(
        'alert_id',
        'in',
        alerts.map((alert) => alert.id),
      )
      .execute()
    const byId = new Map(stored.map((row) => [row.alert_id, row]))
    for (const alert of alerts) views.set(alert.id, slaView(alert, byId.get(alert.id), policy, now))
    return views
  }

  async view(alert: AlertRow): Promise<SlaView> {
    return (await this.views([alert])).get(alert.id)!
  }

  /** Breaches recorded, in total and by kind and severity (optionally since a time). */
  async breachCounts(since?: Date) {
    const rows = await this.store.db
      .selectFrom('alert_sla')
      .innerJoin('alerts', 'alerts.id', 'alert_sla.alert_id')
      .select((eb) => [
        'alerts.severity',
        eb.fn
          .count<number>('alert_sla.ack_breached_at')
          .filterWhere('alert_sla.ack_breached_at', '>=', since ?? new Date(0))
          .as('ack'),
        eb.fn
          .count<number>('alert_sla.close_breached_at')
          .filterWhere('alert_sla.close_breached_at', '>=', since ?? new Date(0))
          .as('close'),
      ])
      .where((eb) =>
        eb.or([
          eb('alert_sla.ack_breached_at', 'is not', null),
          eb('alert_sla.close_breached_at', 'is not', null),
        ]),
      )
      .groupBy('alerts.severity')
      .execute()
    const bySeverity: Record<string, { ack: number; close: number }> = {}
    let ack = 0
    let close = 0
    for (const row of rows) {
      bySeverity[row.severity] = { ack: Number(row.ack), close: Number(row.close) }
      ack += Number(row.ack)
      close += Number(row.close)
    }
    return { total: ack + close, ack, close, bySeverity }
  }

  /** Runs the SLA task until caught up, on the one node holding the `alert-sla` leadership. */
  async catchUp(now = new Date()): Promise<{ computed: number; breaches: number }> {
    this.#leadership ??= await this.store.locks.tryLeadership('alert-sla')
    if (!this.#leadership) return { computed: 0, breaches: 0 }
    return this.runOnce(now)
  }

  async release(): Promise<void> {
    await this.#leadership?.release()
    this.#leadership = undefined
  }

  /**
   * Gives new alerts their due times, recomputes open alerts after a policy change, then records
   * the breaches whose due time passed since the last run.
   */
  async runOnce(now = new Date()): Promise<{ computed: number; breaches: number }> {
    const current = await this.policies.current({ fresh: true })
    const router = (await this.options.notify?.router()) ?? NO_ROUTES
    let computed = 0
    const breaches: (SlaBreach & { alert: AlertRow })[] = []
    for (;;) {
      const done = await this.#computeNew(current, router, now, breaches)
      computed += done
      if (done < BATCH) break
    }
    if (this.#computedVersion !== current.version) {
      for (;;) {
        const done = await this.#recompute(current, router, now, breaches)
        computed += done
        if (done < BATCH) break
      }
      this.#computedVersion = current.version
    }
    await this.#scanDue(router, now, breaches)
    await this.#refreshStates(current.policy, now)
    for (const breach of breaches) {
      this.#breaches?.inc({ kind: breach.kind, severity: breach.alert.severity })
      this.options.events?.publish('alert.sla_breach', {
        alertId: breach.alertId,
        kind: breach.kind,
        dueAt: breach.dueAt.toISOString(),
        severity: breach.alert.severity,
        ruleTitle: breach.alert.rule_title,
        status: breach.alert.status,
      })
    }
    return { computed, breaches: breaches.length }
  }

  async #computeNew(
    current: CurrentSlaPolicy,
    router: AlertRouter,
    now: Date,
    breaches: (SlaBreach & { alert: AlertRow })[],
  ): Promise<number> {
    return this.store.transaction(async (trx) => {
      const after = await readCursor(trx, COMPUTED_CURSOR)
      const alerts = await trx
        .selectFrom('alerts')
        .selectAll()
        .where('id', '>', after)
        .orderBy('id')
        .limit(BATCH)
        .execute()
      if (alerts.length === 0) return 0
      const rows = alerts.map((alert) => {
        const due = computeDue(current.policy, alert)
        return {
          alert_id: alert.id,
          policy_version: current.version,
          ...due,
          ack_breached_at: null,
          close_breached_at: null,
        }
      })
      await trx
        .insertInto('alert_sla')
        .values(rows)
        .onConflict((conflict) => conflict.column('alert_id').doNothing())
        .execute()
      await setStates(
        trx,
        alerts.map((alert, index) => [alert.id, slaView(alert, rows[index]!, current.policy, now).state]),
      )
      await writeCursor(trx, COMPUTED_CURSOR, alerts.at(-1)!.id, now)
      for (const [index, alert] of alerts.entries())
        await this.#recordBreaches(trx, { ...alert, ...rows[index]! }, current.policy, router, now, breaches)
      return alerts.length
    })
  }

  async #recompute(
    current: CurrentSlaPolicy,
    router: AlertRouter,
    now: Date,
    breaches: (SlaBreach & { alert: AlertRow })[],
  ): Promise<number> {
    return this.store.transaction(async (trx) => {
      const stale = await trx
        .selectFrom('alert_sla')
        .innerJoin('alerts', 'alerts.id', 'alert_sla.alert_id')
        .selectAll('alerts')
        .select(['alert_sla.ack_breached_at', 'alert_sla.close_breached_at'])
        .where('alert_sla.policy_version', '<>', current.version)
        .where('alerts.status', '<>', 'closed')
        .where('alerts.merged_into', 'is', null)
        .limit(BATCH)
        .execute()
      const states: [number, SlaState][] = []
      for (const alert of stale) {
        const due = computeDue(current.policy, alert)
        states.push([alert.id, slaView(alert, due, current.policy, now).state])
        await trx
          .updateTable('alert_sla')
          .set({ ...due, policy_version: current.version })
          .where('alert_id', '=', alert.id)
          .execute()
        await this.#recordBreaches(trx, { ...alert, ...due }, current.policy, router, now, breaches)
      }
      await setStates(trx, states)
      return stale.length
    })
  }

  /** Alerts whose due time passed since the last scan (the index on each due time finds them). */
  async #scanDue(
    router: AlertRouter,
    now: Date,
    breaches: (SlaBreach & { alert: AlertRow })[],
  ): Promise<void> {
    const { policy } = await this.policies.current()
    await this.store.transaction(async (trx) => {
      const since = new Date(await readCursor(trx, SCANNED_CURSOR))
      const due = await trx
        .selectFrom('alert_sla')
        .innerJoin('alerts', 'alerts.id', 'alert_sla.alert_id')
        .selectAll('alerts')
        .select([
          'alert_sla.ack_due_at',
          'alert_sla.ack_risk_at',
          'alert_sla.close_due_at',
          'alert_sla.close_risk_at',
          'alert_sla.ack_breached_at',
          'alert_sla.close_breached_at',
        ])
        .where((eb) =>
          eb.or([
            eb.and([
              eb('alert_sla.ack_breached_at', 'is', null),
              eb('alert_sla.ack_due_at', '>', since),
              eb('alert_sla.ack_due_at', '<=', now),
            ]),
            eb.and([
              eb('alert_sla.close_breached_at', 'is', null),
              eb('alert_sla.close_due_at', '>', since),
              eb('alert_sla.close_due_at', '<=', now),
            ]),
          ]),
        )
        .where('alerts.merged_into', 'is', null)
        .orderBy('alerts.id')
        .execute()
      for (const alert of due) await this.#recordBreaches(trx, alert, policy, router, now, breaches)
      await writeCursor(trx, SCANNED_CURSOR, now.getTime(), now)
    })
  }

  /**
   * Brings stored states up to date for the filter: alerts whose risk or due time passed since the
   * last run, and alerts changed since then (acknowledged, closed, reopened).
   */
  async #refreshStates(policy: SlaPolicy, now: Date): Promise<void> {
    const since = await readCursor(this.store.db, STATE_CURSOR)
    if (since > 0) {
      const from = new Date(since)
      const crossed = await this.store.db
        .selectFrom('alert_sla')
        .select('alert_id')
        .where((eb) =>
          eb.or(
            (['ack_risk_at', 'ack_due_at', 'close_risk_at', 'close_due_at'] as const).map((column) =>
              eb.and([eb(column, '>', from), eb(column, '<=', now)]),
            ),
          ),
        )
        .execute()
      const changed = await this.store.db
        .selectFrom('alerts')
        .select('id')
        .where('updated_at', '>', new Date(since - CHANGE_SLACK_MS))
        .execute()
      const ids = [...new Set([...crossed.map((row) => row.alert_id), ...changed.map((row) => row.id)])]
      for (let start = 0; start < ids.length; start += BATCH) {
        await this.store.transaction(async (trx) => {
          const rows = await trx
            .selectFrom('alert_sla')
            .innerJoin('alerts', 'alerts.id', 'alert_sla.alert_id')
            .selectAll('alert_sla')
            .select([
              'alerts.severity',
              'alerts.created_at',
              'alerts.acknowledged_at',
              'alerts.closed_at',
              'alerts.sla_state',
            ])
            .where('alert_sla.alert_id', 'in', ids.slice(start, start + BATCH))
            .execute()
          const changes: [number, SlaState][] = []
          for (const row of rows) {
            const state = slaView(row, row, policy, now).state
            if (state !== row.sla_state) changes.push([row.alert_id, state])
          }
          await setStates(trx, changes)
        })
      }
    }
    await this.store.transaction((trx) => writeCursor(trx, STATE_CURSOR, now.getTime(), now))
  }

  /**
   * Records each breach of one alert once (a conditional update: two workers cannot both win),
   * with a history entry, and a notification while the clock is still running.
   */
  async #recordBreaches(
    trx: Transaction<Database>,
    alert: AlertWithDue,
    policy: SlaPolicy,
    router: AlertRouter,
    now: Date,
    breaches: (SlaBreach & { alert: AlertRow })[],
  ): Promise<void> {
    if (alert.merged_into !== null) return
    for (const kind of ['ack', 'close'] as const) {
      const dueAt = kind === 'ack' ? alert.ack_due_at : alert.close_due_at
      const done = doneAt(alert, kind)
      if (dueAt > now || (done && done <= dueAt)) continue
      if ((kind === 'ack' ? alert.ack_breached_at : alert.close_breached_at) !== null) continue
      const column = kind === 'ack' ? 'ack_breached_at' : 'close_breached_at'
      const won = await trx
        .updateTable('alert_sla')
        .set({ [column]: now })
        .where('alert_id', '=', alert.id)
        .where(column, 'is', null)
        .returning('alert_id')
        .executeTakeFirst()
      if (!won) continue
      await trx
        .insertInto('alert_history')
        .values({
          alert_id: alert.id,
          occurred_at: now,
          actor: 'system',
          action: 'sla_breach',
          from_value: null,
          to_value: kind,
          comment: null,
          details: JSON.stringify({
            dueAt: dueAt.toISOString(),
            targetMs: targetMs(policy, alert.severity, kind),
          }),
        })
        .execute()
      if (!done)
        await enqueueAlertNotifications(
          trx,
          router,
          { ...noticeFromAlert(alert), silenced: alert.silenced_by !== null },
          { event: 'alert.sla_breach', changedAt: now, sla: { kind, dueAt: dueAt.toISOString() } },
        )
      breaches.push({ alertId: alert.id, kind, dueAt, alert })
    }
  }
}

/** Writes `alerts.sla_state`, one statement per state (it is not `updated_at`: no triage change). */
async function setStates(trx: Transaction<Database>, states: readonly [number, SlaState][]): Promise<void> {
  const byState = new Map<SlaState, number[]>()
  for (const [id, state] of states) byState.set(state, [...(byState.get(state) ?? []), id])
  for (const [state, ids] of byState)
    await trx.updateTable('alerts').set({ sla_state: state }).where('id', 'in', ids).execute()
}

async function readCursor(trx: Kysely<Database>, name: string): Promise<number> {
  const row = await trx.selectFrom('detect_cursors').select('seq').where('name', '=', name).executeTakeFirst()
  return row ? Number(row.seq) : 0
}

async function writeCursor(trx: Transaction<Database>, name: string, seq: number, now: Date): Promise<void> {
  await trx
    .insertInto('detect_cursors')
    .values({ name, seq, updated_at: now })
    .onConflict((conflict) =>
      conflict.column('name').doUpdateSet({ seq: sql`excluded.seq`, updated_at: sql`excluded.updated_at` }),
    )
    .execute()
}
