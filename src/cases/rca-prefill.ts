import type { Kysely } from 'kysely'
import type { Database, IncidentRcaRow, IncidentRow } from '../store/schema.js'

const utc = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`

/**
 * The first draft of an RCA, written from what the incident already records: its description,
 * impact, and how its alerts detected it. People rewrite it; nothing here is invented.
 */
export async function rcaPrefill(db: Kysely<Database>, incident: IncidentRow): Promise<IncidentRcaRow> {
  const alerts = await db
    .selectFrom('alerts')
    .select(['id', 'rule_title', 'severity', 'source', 'first_seen', 'created_at'])
    .where('incident_id', '=', incident.id)
    .orderBy('first_seen')
    .orderBy('id')
    .execute()
  const rules = [...new Set(alerts.map((alert) => alert.rule_title))]
  const sources = [...new Set(alerts.map((alert) => alert.source).filter((source) => source !== null))]
  const first = alerts[0]
  const detection = first
    ? [
        `Detected by ${alerts.length} alert${alerts.length === 1 ? '' : 's'} from the rule${rules.length === 1 ? '' : 's'} ${rules.map((rule) => `"${rule}"`).join(', ')}`,
        sources.length > 0 ? ` on ${sources.join(', ')}` : '',
        `. The first matching event happened at ${utc(first.first_seen)}; the first alert was raised at ${utc(first.created_at)}.`,
      ].join('')
    : `Reported by ${incident.created_by}; the incident was opened by hand at ${utc(incident.created_at)}.`
  const epoch = new Date(0)
  return {
    incident_id: incident.id,
    version: 0,
    state: 'draft',
    summary: incident.description ?? incident.title,
    impact: incident.impact ?? '',
    detection,
    root_cause: '',
    contributing_factors: [],
    five_whys: [],
    went_well: [],
    went_badly: [],
    authors: [],
    created_by: '',
    created_at: epoch,
    updated_by: '',
    updated_at: epoch,
    submitted_by: null,
    submitted_at: null,
    reviewed_by: null,
    reviewed_at: null,
    review_comment: null,
  }
}
