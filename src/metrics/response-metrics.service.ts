import type { Store } from '../store/store.js'
import { type ResponseDurations, readIncidentClocks, responseDurations } from './incident-clock.js'

export const METRIC_GROUPS = ['severity', 'rule'] as const
export type MetricGroup = (typeof METRIC_GROUPS)[number]

/** Mean times over a set of incidents; each mean is over the incidents that reached that point. */
export interface ResponseSummary {
  incidents: number
  mttdMs: number | null
  mttaMs: number | null
  mttcMs: number | null
  mttrMs: number | null
  /** How many incidents each mean is taken over. */
  measured: { ttd: number; tta: number; ttc: number; ttr: number }
}

export interface IncidentResponse extends ResponseDurations {
  id: number
  title: string
  severity: string
  rules: { id: string; title: string }[]
  createdAt: Date
}

export interface RuleFalsePositives {
  ruleId: string
  ruleTitle: string
  closed: number
  falsePositives: number
  /** false_positive ÷ closed, null when nothing was closed. */
  rate: number | null
}

export interface ResponseMetrics {
  from: Date
  to: Date
  groupBy: MetricGroup | null
  overall: ResponseSummary
  groups: ({ key: string; label: string } & ResponseSummary)[]
  incidents: IncidentResponse[]
  falsePositives: RuleFalsePositives[]
}

/**
 * MTTD, MTTA, MTTC and MTTR over the incidents opened in a period (merged duplicates left out),
 * overall and by severity or by rule, and the false-positive rate of each rule over the alerts
 * closed in that period. Read-only; computed from recorded timestamps (see incident-clock.ts).
 */
export class ResponseMetricsService {
  constructor(private readonly store: Store) {}

  async response(query: {
    from: Date
    to: Date
    groupBy?: MetricGroup | undefined
  }): Promise<ResponseMetrics> {
    const db = this.store.db
    const rows = await db
      .selectFrom('incidents')
      .select(['id', 'title', 'severity', 'created_at', 'contained_at', 'resolved_at', 'closed_at'])
      .where('created_at', '>=', query.from)
      .where('created_at', '<', query.to)
      .where('merged_into', 'is', null)
      .orderBy('id')
      .execute()
    const ids = rows.map((row) => row.id)
    const rulesOf = new Map<number, { id: string; title: string }[]>()
    for (let start = 0; start < ids.length; start += 500) {
      const pairs = await db
        .selectFrom('alerts')
        .select(['incident_id', 'rule_id', (eb) => eb.fn.max('rule_title').as('rule_title')])
        .where('incident_id', 'in', ids.slice(start, start + 500))
        .groupBy(['incident_id', 'rule_id'])
        .orderBy('rule_id')
        .execute()
      for (const pair of pairs) {
        const id = Number(pair.incident_id)
        rulesOf.set(id, [...(rulesOf.get(id) ?? []), { id: pair.rule_id, title: String(pair.rule_title) }])
      }
    }
    const incidents: IncidentResponse[] = (await readIncidentClocks(db, rows)).map(({ incident, clock }) => ({
      id: incident.id,
      title: incident.title,
      severity: incident.severity,
      rules: rulesOf.get(incident.id) ?? [],
      createdAt: incident.created_at,
      ...responseDurations(clock),
    }))
    return {
      from: query.from,
      to: query.to,
      groupBy: query.groupBy ?? null,
      overall: summarise(incidents),
      groups: query.groupBy ? groupIncidents(incidents, query.groupBy) : [],
      incidents,
      falsePositives: await this.#falsePositives(query.from, query.to),
    }
  }

  async #falsePositives(from: Date, to: Date): Promise<RuleFalsePositives[]> {
    const counts = await this.store.db
      .selectFrom('alerts')
      .select((eb) => [
        'rule_id',
        'resolution',
        eb.fn.max('rule_title').as('rule_title'),
        eb.fn.countAll().as('n'),
      ])
      .where('status', '=', 'closed')
      .where('closed_at', '>=', from)
      .where('closed_at', '<', to)
      .groupBy(['rule_id', 'resolution'])
      .execute()
    const byRule = new Map<string, RuleFalsePositives>()
    for (const row of counts) {
      const rule = byRule.get(row.rule_id) ?? {
        ruleId: row.rule_id,
        ruleTitle: String(row.rule_title),
        closed: 0,
        falsePositives: 0,
        rate: null,
      }
      rule.closed += Number(row.n)
      if (row.resolution === 'false_positive') rule.falsePositives += Number(row.n)
      byRule.set(row.rule_id, rule)
    }
    return [...byRule.values()]
      .map((rule) => ({ ...rule, rate: rule.closed > 0 ? rule.falsePositives / rule.closed : null }))
      .sort(
        (a, b) => (b.rate ?? 0) - (a.rate ?? 0) || b.closed - a.closed || a.ruleId.localeCompare(b.ruleId),
      )
  }
}

/** An incident counts once under its severity, and under each distinct rule among its alerts. */
function groupIncidents(
  incidents: IncidentResponse[],
  groupBy: MetricGroup,
): ({ key: string; label: string } & ResponseSummary)[] {
  const groups = new Map<string, { label: string; members: IncidentResponse[] }>()
  for (const incident of incidents) {
    const keys =
      groupBy === 'severity'
        ? [{ key: incident.severity, label: incident.severity }]
        : incident.rules.length > 0
          ? incident.rules.map((rule) => ({ key: rule.id, label: rule.title }))
          : [{ key: '(no alerts)', label: 'opened by hand' }]
    for (const { key, label } of keys) {
      const group = groups.get(key) ?? { label, members: [] }
      group.members.push(incident)
      groups.set(key, group)
    }
  }
  return [...groups.entries()]
    .map(([key, group]) => ({ key, label: group.label, ...summarise(group.members) }))
    .sort((a, b) => b.incidents - a.incidents || a.key.localeCompare(b.key))
}

export function summarise(incidents: ResponseDurations[]): ResponseSummary {
  const mean = (values: (number | null)[]) => {
    const present = values.filter((value): value is number => value !== null)
    return {
      mean:
        present.length > 0
          ? Math.round(present.reduce((sum, value) => sum + value, 0) / present.length)
          : null,
      n: present.length,
    }
  }
  const ttd = mean(incidents.map((i) => i.ttdMs))
  const tta = mean(incidents.map((i) => i.ttaMs))
  const ttc = mean(incidents.map((i) => i.ttcMs))
  const ttr = mean(incidents.map((i) => i.ttrMs))
  return {
    incidents: incidents.length,
    mttdMs: ttd.mean,
    mttaMs: tta.mean,
    mttcMs: ttc.mean,
    mttrMs: ttr.mean,
    measured: { ttd: ttd.n, tta: tta.n, ttc: ttc.n, ttr: ttr.n },
  }
}
