/** The API's shapes as the console reads them (see /api/v1/openapi.json). */

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical'
export const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info']
export const ALERT_STATUSES = ['new', 'acknowledged', 'in_progress', 'closed'] as const
export const RESOLUTIONS = [
  'true_positive',
  'benign_positive',
  'false_positive',
  'duplicate',
  'other',
] as const
export const INCIDENT_PHASES = [
  'open',
  'triage',
  'containment',
  'eradication',
  'recovery',
  'post_incident',
  'closed',
] as const

export interface User {
  id: number
  username: string
  displayName: string | null
  role: string
  mustChangePassword: boolean
}
export interface Me {
  type: string
  name: string
  role: string
  user: User | null
}

export type SlaState = 'ok' | 'at_risk' | 'breached' | 'met'
export interface SlaClock {
  state: SlaState
  dueAt: string
  /** Negative once late. */
  remainingMs: number
  breachedAt: string | null
}
/** On alerts when the server runs SLAs: the worst state of the acknowledge and close clocks. */
export interface AlertSla {
  state: SlaState
  ack: SlaClock
  close: SlaClock
}

export interface Alert {
  id: number
  ruleId: string
  ruleTitle: string
  kind: string
  severity: string
  riskScore: number
  status: string
  resolution: string | null
  closeComment: string | null
  assignee: string | null
  tags: string[]
  tactics: string[]
  techniques: string[]
  description: string | null
  references: string[]
  falsePositives: string[]
  entities: Record<string, string[]>
  matched: Record<string, unknown>
  source: string | null
  firstSeen: string
  lastSeen: string
  count: number
  suppressedCount: number
  createdAt: string
  acknowledgedAt: string | null
  closedAt: string | null
  incidentId: number | null
  sla?: AlertSla | null
}

export interface AlertDetail extends Alert {
  history: {
    at: string
    actor: string
    action: string
    from: string | null
    to: string | null
    comment: string | null
  }[]
  events: {
    seq: number
    time: string
    source: string
    host: string | null
    user: string | null
    original: Record<string, unknown>
  }[]
}

export interface Incident {
  id: number
  title: string
  description: string | null
  severity: string
  tlp: string
  status: string
  resolution: string | null
  owner: string | null
  tags: string[]
  createdBy: string
  createdAt: string
  updatedAt: string
  /** The first event of its alerts; null without alerts. */
  firstEventAt: string | null
  /** The first alert raised (the opening without alerts): where response times start. */
  detectedAt: string
  closedAt: string | null
}

export interface TimelineEntry {
  id: number
  occurredAt: string
  kind: string
  title: string
  body: string | null
  actor: string
  flagged: boolean
}
export interface Task {
  id: number
  kind: string
  title: string
  owner: string | null
  dueAt: string | null
  status: string
}
export interface Observable {
  id: number
  type: string
  value: string
  ioc: boolean
  tlp: string
  eventSightings: number
  otherIncidents: number[]
}
/** A piece of evidence kept with its hash and chain of custody (GET /incidents/{id}/evidence). */
export interface Evidence {
  id: number
  name: string
  mediaType: string
  sha256: string
  sizeBytes: number
  acquiredBy: string
  acquiredAt: string
  lastVerifiedAt: string | null
  lastVerifyResult: string | null
}
/** One step in an evidence item's chain of custody. */
export interface CustodyEntry {
  id: number
  action: string
  actor: string
  occurredAt: string
  reason: string | null
  details: Record<string, unknown> | null
}
/** The parts of the root-cause analysis the incident page shows. */
export interface RcaSummary {
  version: number
  saved: boolean
  state: 'draft' | 'in_review' | 'approved'
  review: { reviewedBy: string | null; reviewedAt: string | null }
}
export interface Note {
  id: number
  body: string
  author: string
  createdAt: string
}

export interface Source {
  id: number
  name: string
  parser: string
  enabled: boolean
  lastEventAt: string | null
  lastReceivedAt: string | null
  eventsTotal: number
  deadLettersTotal: number
  expectedIntervalSeconds: number | null
  silentSince: string | null
}

export interface Rule {
  id: string
  title: string
  level: string | null
  status: string | null
  tags: string[]
  file: string
  enabled: boolean
  disabledReason: string | null
}
