import type { Expression, ExpressionBuilder, SqlBool } from 'kysely'
import type { AlertRow, AlertSlaRow, Database } from '../store/schema.js'
import { addBusinessTime, businessTimeBetween } from './business-hours.js'
import { type SlaKind, type SlaPolicy, targetMs } from './sla-policy.js'

/**
 * `ok`: running with time left; `at_risk`: in the last part of its target; `breached`: past due
 * (or done late); `met`: done in time.
 */
export const SLA_STATES = ['ok', 'at_risk', 'breached', 'met'] as const
export type SlaState = (typeof SLA_STATES)[number]

/** Worst first: an alert shows the worst state of its two clocks. */
const SEVERITY_OF_STATE: Record<SlaState, number> = { breached: 3, at_risk: 2, ok: 1, met: 0 }

export interface SlaClock {
  state: SlaState
  dueAt: string
  /** Time left before the due time (business time when business hours are on); negative when late. */
  remainingMs: number
  breachedAt: string | null
}

export interface SlaView {
  state: SlaState
  ack: SlaClock
  close: SlaClock
}

/** Due times of one alert under a policy. */
export type SlaDue = Pick<AlertSlaRow, 'ack_due_at' | 'ack_risk_at' | 'close_due_at' | 'close_risk_at'>

export function computeDue(policy: SlaPolicy, alert: Pick<AlertRow, 'severity' | 'created_at'>): SlaDue {
  const hours = policy.businessHours
  const at = (kind: SlaKind, share: number) =>
    addBusinessTime(alert.created_at, Math.round(targetMs(policy, alert.severity, kind) * share), hours)
  return {
    ack_due_at: at('ack', 1),
    ack_risk_at: at('ack', 1 - policy.atRiskFraction),
    close_due_at: at('close', 1),
    close_risk_at: at('close', 1 - policy.atRiskFraction),
  }
}

type SlaAlert = Pick<AlertRow, 'acknowledged_at' | 'closed_at'>

/** When the clock of `kind` stopped: acknowledging (closing also acknowledges) or closing. */
export function doneAt(alert: SlaAlert, kind: SlaKind): Date | null {
  return kind === 'ack' ? alert.acknowledged_at : alert.closed_at
}

function clock(
  kind: SlaKind,
  alert: SlaAlert,
  due: SlaDue & Partial<Pick<AlertSlaRow, 'ack_breached_at' | 'close_breached_at'>>,
  policy: SlaPolicy,
  now: Date,
): SlaClock {
  const dueAt = kind === 'ack' ? due.ack_due_at : due.close_due_at
  const riskAt = kind === 'ack' ? due.ack_risk_at : due.close_risk_at
  const done = doneAt(alert, kind)
  const until = done ?? now
  const remainingMs =
    until <= dueAt
      ? businessTimeBetween(until, dueAt, policy.businessHours)
      : -businessTimeBetween(dueAt, until, policy.businessHours)
  const state: SlaState = done
    ? done <= dueAt
      ? 'met'
      : 'breached'
    : now >= dueAt
      ? 'breached'
      : now >= riskAt
        ? 'at_risk'
        : 'ok'
  const breachedAt = (kind === 'ack' ? due.ack_breached_at : due.close_breached_at) ?? null
  return { state, dueAt: dueAt.toISOString(), remainingMs, breachedAt: breachedAt?.toISOString() ?? null }
}

/** The SLA state of an alert: stored due times when the SLA task computed them, else the policy's. */
export function slaView(
  alert: Pick<AlertRow, 'severity' | 'created_at' | 'acknowledged_at' | 'closed_at'>,
  stored: (SlaDue & Partial<Pick<AlertSlaRow, 'ack_breached_at' | 'close_breached_at'>>) | undefined,
  policy: SlaPolicy,
  now = new Date(),
): SlaView {
  const due = stored ?? computeDue(policy, alert)
  const ack = clock('ack', alert, due, policy, now)
  const close = clock('close', alert, due, policy, now)
  const state = SEVERITY_OF_STATE[ack.state] >= SEVERITY_OF_STATE[close.state] ? ack.state : close.state
  return { state, ack, close }
}

/**
 * Alerts whose SLA state is one of `states`, as the SLA task last recorded it (it runs every few
 * seconds): a state that changes with time alone (ok → at_risk → breached) or through triage is
 * seen by the filter after the next run. Responses compute the state live.
 */
export function slaStateCondition(
  eb: ExpressionBuilder<Database, 'alerts'>,
  states: readonly SlaState[],
): Expression<SqlBool> {
  return eb('alerts.sla_state', 'in', states)
}
