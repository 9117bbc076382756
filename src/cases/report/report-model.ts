import type { Kysely } from 'kysely'
import {
  type IncidentClock,
  type ResponseDurations,
  responseDurations,
} from '../../metrics/incident-clock.js'
import type { Database } from '../../store/schema.js'
import type { RcaView } from '../rca-view.js'
import { type MarkdownText, markdownText } from './markdown-text.js'

/** Report rows are bounded so that one incident cannot make a report of unbounded size. */
const ROW_LIMIT = 5_000

/**
 * Everything a report template may show, with instants already written as UTC text and
 * durations in words, so that templates stay free of logic beyond loops and conditions.
 */
export interface ReportModel {
  generatedAt: string
  generatedBy: string
  tlp: string
  pap: string
  md: MarkdownText
  incident: {
    id: number
    title: string
    description: string | null
    severity: string
    status: string
    resolution: string | null
    impact: string | null
    owner: string | null
    participants: string[]
    tags: string[]
    createdBy: string
    createdAt: string
    closedAt: string | null
  }
  times: { label: string; from: string; to: string; value: string }[]
  alerts: { id: number; rule: string; severity: string; firstSeen: string; events: number; status: string }[]
  timeline: {
    occurredAt: string
    recordedAt: string
    kind: string
    title: string
    actor: string
    key: boolean
  }[]
  tasks: { title: string; owner: string | null; dueAt: string | null; status: string }[]
  followUps: { id: number; title: string; owner: string | null; dueAt: string | null; status: string }[]
  observables: { type: string; value: string; ioc: boolean; tlp: string }[]
  evidence: {
    id: number
    name: string
    sha256: string
    size: string
    acquiredBy: string
    acquiredAt: string
    verified: string
  }[]
  notes: { author: string; createdAt: string; edited: boolean; body: string }[]
  rca: RcaModel | null
}

export interface RcaModel {
  state: string
  version: number
  authors: string[]
  reviewedBy: string | null
  reviewedAt: string | null
  summary: string
  impact: string
  detection: string
  keyEvents: { occurredAt: string; title: string; actor: string }[]
  rootCause: string
  contributingFactors: string[]
  fiveWhys: { question: string; answer: string }[]
  wentWell: string[]
  wentBadly: string[]
  actionItems: { id: number; title: string; owner: string | null; dueAt: string | null; status: string }[]
}

/** `2026-11-20 08:01 UTC`, joined by no-break spaces so that a table cell never splits it. */
export function utc(date: Date | null | undefined): string | null {
  return date ? `${date.toISOString().slice(0, 16).replace('T', '\u00a0')}\u00a0UTC` : null
}

export function durationText(ms: number | null): string {
  if (ms === null) return 'not reached'
  const minutes = Math.round(ms / 60_000)
  if (minutes < 1) return `${Math.round(ms / 1000)} s`
  const days = Math.floor(minutes / 1440)
  const hours = Math.floor((minutes % 1440) / 60)
  const rest = minutes % 60
  return [days ? `${days} d` : '', hours ? `${hours} h` : '', rest ? `${rest} min` : '']
    .filter(Boolean)
    .join(' ')
}

export function byteSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

export async function buildReportModel(
  db: Kysely<Database>,
  view: RcaView,
  options: { includeRca: boolean; generatedBy: string },
): Promise<ReportModel> {
  const { incident, clock } = view
  const id = incident.id
  const [alerts, timeline, tasks, observables, notes, evidence] = await Promise.all([
    db
      .selectFrom('alerts')
      .selectAll()
      .where('incident_id', '=', id)
      .orderBy('first_seen')
      .limit(ROW_LIMIT)
      .execute(),
    db
      .selectFrom('incident_timeline')
      .selectAll()
      .where('incident_id', '=', id)
      .orderBy('occurred_at')
      .orderBy('id')
      .limit(ROW_LIMIT)
      .execute(),
    db.selectFrom('incident_tasks').selectAll().where('incident_id', '=', id).orderBy('id').execute(),
    db.selectFrom('incident_observables').selectAll().where('incident_id', '=', id).orderBy('id').execute(),
    db.selectFrom('incident_notes').selectAll().where('incident_id', '=', id).orderBy('id').execute(),
    db.selectFrom('incident_evidence').selectAll().where('incident_id', '=', id).orderBy('id').execute(),
  ])
  const durations: ResponseDurations = responseDurations(clock)
  const at = (date: Date | null) => utc(date) ?? '–'
  return {
    generatedAt: utc(new Date()) ?? '',
    generatedBy: options.generatedBy,
    tlp: incident.tlp.toUpperCase(),
    pap: incident.pap.toUpperCase(),
    md: markdownText,
    incident: {
      id,
      title: incident.title,
      description: incident.description,
      severity: incident.severity,
      status: incident.status,
      resolution: incident.resolution,
      impact: incident.impact,
      owner: incident.owner,
      participants: incident.participants,
      tags: incident.tags,
      createdBy: incident.created_by,
      createdAt: at(incident.created_at),
      closedAt: utc(incident.closed_at),
    },
    times: responseTimes(clock, durations, at),
    alerts: alerts.map((alert) => ({
      id: alert.id,
      rule: alert.rule_title,
      severity: alert.severity,
      firstSeen: at(alert.first_seen),
      events: Number(alert.event_count),
      status: alert.resolution ? `${alert.status} (${alert.resolution})` : alert.status,
    })),
    timeline: timeline.map((entry) => ({
      occurredAt: at(entry.occurred_at),
      recordedAt: at(entry.recorded_at),
      kind: entry.kind,
      title: entry.body ? `${entry.title}: ${entry.body}` : entry.title,
      actor: entry.actor,
      key: entry.flagged,
    })),
    tasks: tasks
      .filter((task) => task.kind === 'task')
      .map((task) => ({
        title: task.title,
        owner: task.owner,
        dueAt: utc(task.due_at),
        status: task.status,
      })),
    followUps: tasks
      .filter((task) => task.kind === 'follow_up')
      .map((task) => ({
        id: task.id,
        title: task.title,
        owner: task.owner,
        dueAt: utc(task.due_at),
        status: task.status,
      })),
    observables: observables.map((row) => ({ type: row.type, value: row.value, ioc: row.ioc, tlp: row.tlp })),
    evidence: evidence.map((item) => ({
      id: item.id,
      name: item.name,
      sha256: item.sha256,
      size: byteSize(Number(item.size_bytes)),
      acquiredBy: item.acquired_by,
      acquiredAt: at(item.acquired_at),
      verified: item.last_verified_at
        ? `${item.last_verify_result ?? 'unknown'} (${at(item.last_verified_at)})`
        : 'not yet',
    })),
    notes: notes.map((note) => ({
      author: note.author,
      createdAt: at(note.created_at),
      edited: note.revisions.length > 0,
      body: note.body,
    })),
    rca: options.includeRca ? rcaModel(view) : null,
  }
}

/** The four measures with the instants they run between; without alerts, detection is the opening. */
function responseTimes(
  clock: IncidentClock,
  durations: ResponseDurations,
  at: (date: Date | null) => string,
): ReportModel['times'] {
  const start = clock.firstEventAt ? 'first alert' : 'opened'
  return [
    {
      label: 'Time to detect',
      from: clock.firstEventAt ? `first event ${at(clock.firstEventAt)}` : 'no alerts',
      to: `${start} ${at(clock.detectedAt)}`,
      value: durationText(durations.ttdMs),
    },
    {
      label: 'Time to acknowledge',
      from: start,
      to: `acknowledged ${at(clock.acknowledgedAt)}`,
      value: durationText(durations.ttaMs),
    },
    {
      label: 'Time to contain',
      from: start,
      to: `contained ${at(clock.containedAt)}`,
      value: durationText(durations.ttcMs),
    },
    {
      label: 'Time to resolve',
      from: start,
      to: `resolved ${at(clock.resolvedAt)}`,
      value: durationText(durations.ttrMs),
    },
  ]
}

function rcaModel(view: RcaView): RcaModel {
  const { rca } = view
  return {
    state: rca.state.replace('_', ' '),
    version: rca.version,
    authors: rca.authors,
    reviewedBy: rca.reviewed_by,
    reviewedAt: utc(rca.reviewed_at),
    summary: rca.summary,
    impact: rca.impact,
    detection: rca.detection,
    keyEvents: view.keyEvents.map((entry) => ({
      occurredAt: utc(entry.occurred_at) ?? '',
      title: entry.title,
      actor: entry.actor,
    })),
    rootCause: rca.root_cause,
    contributingFactors: rca.contributing_factors,
    fiveWhys: rca.five_whys,
    wentWell: rca.went_well,
    wentBadly: rca.went_badly,
    actionItems: view.actionItems.map((task) => ({
      id: task.id,
      title: task.title,
      owner: task.owner,
      dueAt: utc(task.due_at),
      status: task.status,
    })),
  }
}
