import type { IncidentClock, ResponseDurations } from '../metrics/incident-clock.js'
import type { IncidentRcaRow, IncidentRow, IncidentTaskRow, TimelineRow } from '../store/schema.js'

/** An RCA as read: the written part beside what is derived live from the incident. */
export interface RcaView {
  incident: IncidentRow
  rca: IncidentRcaRow
  /** False while it is only the pre-filled draft (version 0). */
  saved: boolean
  clock: IncidentClock
  durations: ResponseDurations
  /** The incident timeline's key (flagged) entries. */
  keyEvents: TimelineRow[]
  /** The incident's follow-up items, open or done. */
  actionItems: IncidentTaskRow[]
}

const iso = (date: Date | null) => date?.toISOString() ?? null

export function toPublicRca(view: RcaView) {
  const { rca, clock } = view
  return {
    incidentId: view.incident.id,
    version: rca.version,
    saved: view.saved,
    state: rca.state,
    summary: rca.summary,
    impact: rca.impact,
    detection: {
      description: rca.detection,
      firstEventAt: iso(clock.firstEventAt),
      detectedAt: clock.detectedAt.toISOString(),
      acknowledgedAt: clock.acknowledgedAt.toISOString(),
      containedAt: iso(clock.containedAt),
      resolvedAt: iso(clock.resolvedAt),
      ...view.durations,
    },
    keyEvents: view.keyEvents.map((entry) => ({
      id: entry.id,
      occurredAt: entry.occurred_at.toISOString(),
      recordedAt: entry.recorded_at.toISOString(),
      kind: entry.kind,
      title: entry.title,
      body: entry.body,
      actor: entry.actor,
    })),
    rootCause: rca.root_cause,
    contributingFactors: rca.contributing_factors,
    fiveWhys: rca.five_whys,
    wentWell: rca.went_well,
    wentBadly: rca.went_badly,
    actionItems: view.actionItems.map((task) => ({
      taskId: task.id,
      title: task.title,
      owner: task.owner,
      dueAt: iso(task.due_at),
      status: task.status,
      completedAt: iso(task.completed_at),
    })),
    authors: rca.authors,
    createdBy: view.saved ? rca.created_by : null,
    createdAt: view.saved ? rca.created_at.toISOString() : null,
    updatedBy: view.saved ? rca.updated_by : null,
    updatedAt: view.saved ? rca.updated_at.toISOString() : null,
    review: {
      submittedBy: rca.submitted_by,
      submittedAt: iso(rca.submitted_at),
      reviewedBy: rca.reviewed_by,
      reviewedAt: iso(rca.reviewed_at),
      comment: rca.review_comment,
    },
  }
}

export type PublicRca = ReturnType<typeof toPublicRca>
