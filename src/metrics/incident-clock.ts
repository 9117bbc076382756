import type { Kysely } from 'kysely'
import type { Database, IncidentRow } from '../store/schema.js'

/**
 * The recorded instants an incident's response is measured between, in the order they happen:
 * the first event of its alerts → the first alert raised → acknowledged → contained → resolved.
 * The incident API, its RCA, its report and the response metrics all read times from here, so
 * that an incident shows the same four measures wherever it is looked at.
 */
export interface IncidentClock {
  /** Earliest `first_seen` of the linked alerts: when the first matching event happened. */
  firstEventAt: Date | null
  /** Earliest `created_at` of the linked alerts; the incident's opening when it has none. */
  detectedAt: Date
  /** Earliest alert acknowledgement or the incident's opening, whichever came first. */
  acknowledgedAt: Date
  /** First entry into eradication or later (the containment phase ended). */
  containedAt: Date | null
  /** First entry into post_incident, else the closing time. */
  resolvedAt: Date | null
}

export interface ResponseDurations {
  /** Time to detect: first event → alert raised. */
  ttdMs: number | null
  /** Time to acknowledge: alert raised → acknowledged. */
  ttaMs: number | null
  /** Time to contain: alert raised → contained. */
  ttcMs: number | null
  /** Time to resolve: alert raised → resolved. */
  ttrMs: number | null
}

export interface AlertTimes {
  firstSeen: Date | null
  createdAt: Date | null
  acknowledgedAt: Date | null
}

type ClockIncident = Pick<IncidentRow, 'id' | 'created_at' | 'contained_at' | 'resolved_at' | 'closed_at'>

/** Each incident beside its clock, in the order given, with one query over their alerts per 500 incidents. */
export async function readIncidentClocks<T extends ClockIncident>(
  db: Kysely<Database>,
  incidents: readonly T[],
): Promise<{ incident: T; clock: IncidentClock }[]> {
  const times = await alertTimesByIncident(
    db,
    incidents.map((incident) => incident.id),
  )
  return incidents.map((incident) => ({
    incident,
    clock: incidentClock(incident, times.get(incident.id) ?? NO_ALERTS),
  }))
}

export async function readIncidentClock(
  db: Kysely<Database>,
  incident: ClockIncident,
): Promise<IncidentClock> {
  const times = await alertTimesByIncident(db, [incident.id])
  return incidentClock(incident, times.get(incident.id) ?? NO_ALERTS)
}

export function incidentClock(incident: ClockIncident, alerts: AlertTimes): IncidentClock {
  const opened = incident.created_at.getTime()
  const detectedAt = alerts.createdAt?.getTime() ?? opened
  const acknowledged = Math.min(alerts.acknowledgedAt?.getTime() ?? opened, opened)
  return {
    firstEventAt: alerts.firstSeen,
    detectedAt: new Date(detectedAt),
    // An acknowledgement can never come before the alert it acknowledges.
    acknowledgedAt: new Date(Math.max(acknowledged, detectedAt)),
    containedAt: incident.contained_at,
    resolvedAt: incident.resolved_at ?? incident.closed_at,
  }
}

export function responseDurations(clock: IncidentClock): ResponseDurations {
  const between = (from: Date | null, to: Date | null) =>
    from && to ? Math.max(0, to.getTime() - from.getTime()) : null
  return {
    ttdMs: between(clock.firstEventAt, clock.detectedAt),
    ttaMs: between(clock.detectedAt, clock.acknowledgedAt),
    ttcMs: between(clock.detectedAt, clock.containedAt),
    ttrMs: between(clock.detectedAt, clock.resolvedAt),
  }
}

/** Earliest alert instants per incident, for the given incidents. */
async function alertTimesByIncident(
  db: Kysely<Database>,
  incidentIds: number[],
): Promise<Map<number, AlertTimes>> {
  const times = new Map<number, AlertTimes>()
  for (let start = 0; start < incidentIds.length; start += 500) {
    const rows = await db
      .selectFrom('alerts')
      .select((eb) => [
        'incident_id',
        eb.fn.min('first_seen').as('first_seen'),
        eb.fn.min('created_at').as('created_at'),
        eb.fn.min('acknowledged_at').as('acknowledged_at'),
      ])
      .where('incident_id', 'in', incidentIds.slice(start, start + 500))
      .groupBy('incident_id')
      .execute()
    for (const row of rows) {
      if (row.incident_id === null) continue
      times.set(Number(row.incident_id), {
        firstSeen: toDate(row.first_seen),
        createdAt: toDate(row.created_at),
        acknowledgedAt: toDate(row.acknowledged_at),
      })
    }
  }
  return times
}

const NO_ALERTS: AlertTimes = { firstSeen: null, createdAt: null, acknowledgedAt: null }

function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value
  if (typeof value === 'string' || typeof value === 'number') return new Date(value)
  return null
}
