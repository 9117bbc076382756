import type { ColumnType, Generated, Insertable, Selectable } from 'kysely'

/** Timestamps are Date in both engines (DuckDB values are converted at the dialect boundary). */
type Timestamp = ColumnType<Date, Date, Date>
type Json<T = Record<string, unknown>> = ColumnType<T, string | T, string | T>

export interface EventsTable {
  seq: Generated<number>
  event_time: Timestamp
  received_at: Timestamp
  source: string
  dataset: string | null
  event_code: string | null
  host_name: string | null
  user_name: string | null
  source_ip: string | null
  destination_ip: string | null
  process_name: string | null
  process_command_line: string | null
  original: Json
}

export type Role = 'viewer' | 'analyst' | 'engineer' | 'admin'

export interface UsersTable {
  id: Generated<number>
  username: string
  display_name: string | null
  password_hash: string
  role: Role
  disabled: Generated<boolean>
  must_change_password: Generated<boolean>
  created_at: Timestamp
  updated_at: Timestamp
  last_login_at: Timestamp | null
}

export interface ApiTokensTable {
  id: Generated<number>
  name: string
  /** Public half of the token, used to find the row; the secret half is only stored hashed. */
  lookup_id: string
  secret_hash: string
  role: Role
  user_id: number
  created_at: Timestamp
  expires_at: Timestamp | null
  revoked_at: Timestamp | null
  last_used_at: Timestamp | null
}

export interface SessionsTable {
  id_hash: string
  user_id: number
  csrf_token_hash: string
  created_at: Timestamp
  expires_at: Timestamp
  last_seen_at: Timestamp
  ip: string | null
  user_agent: string | null
}

export interface AuditLogTable {
  seq: number
  occurred_at: Timestamp
  actor_type: 'user' | 'token' | 'system'
  actor_id: number | null
  actor_name: string
  action: string
  target_type: string
  target_id: string | null
  ip: string | null
  request_id: string | null
  details: Json
  prev_hash: string
  hash: string
}

export interface SourcesTable {
  id: Generated<number>
  name: string
  description: string | null
  parser: string
  timezone: string
  expected_interval_seconds: number | null
  ingest_lookup_id: string | null
  ingest_secret_hash: string | null
  enabled: Generated<boolean>
  created_at: Timestamp
  updated_at: Timestamp
  last_event_at: Timestamp | null
  last_received_at: Timestamp | null
  events_total: Generated<number>
  dead_letters_total: Generated<number>
  silent_since: Timestamp | null
}

export interface DeadLettersTable {
  id: Generated<number>
  received_at: Timestamp
  source: string
  parser: string | null
  /** Which input it came through: http, bulk, hec, otlp, syslog, file. */
  input: string
  reason: string
  /** Where in the input: line number, bulk item, JSON path. */
  location: string | null
  raw: string
  raw_encoding: 'utf8' | 'base64'
  raw_truncated: Generated<boolean>
  replayed_at: Timestamp | null
  replay_count: Generated<number>
  context: Json | null
}

export interface DetectionsTable {
  id: Generated<number>
  created_at: Timestamp
  /** When it happened: the (last) matched event's time, or when a monitor noticed. */
  detected_at: Timestamp
  /** `sigma`, `correlation`, or `system` (source.silent, source.recovered). */
  kind: string
  rule_id: string
  rule_title: string
  level: string
  tags: Json<string[]>
  source: string | null
  event_seqs: Json<number[]>
  matched: Json
  /** Makes replays idempotent: the same detection from the same events is stored once. */
  dedup_key: string
  context: Json | null
}

export interface DetectCursorsTable {
  name: string
  seq: number
  updated_at: Timestamp
}

/** Open correlation windows per detector: `CorrelatorSnapshot` as JSON text, saved with the cursor. */
export interface CorrelationStateTable {
  name: string
  state: string
  updated_at: Timestamp
}

export interface RuleStatesTable {
  rule_id: string
  enabled: boolean
  reason: string | null
  updated_by: string
  updated_at: Timestamp
}

export type AlertStatus = 'new' | 'acknowledged' | 'in_progress' | 'closed'
export type AlertResolution = 'true_positive' | 'benign_positive' | 'false_positive' | 'duplicate' | 'other'

export interface AlertEntities {
  hosts: string[]
  users: string[]
  ips: string[]
  processes: string[]
  hashes: string[]
  domains: string[]
  urls: string[]
  files: string[]
}

export interface AlertsTable {
  id: Generated<number>
  /** Rule plus group-by values: detections with the same fingerprint join the open alert. */
  fingerprint: string
  kind: string
  rule_id: string
  rule_title: string
  severity: string
  risk_score: number
  status: AlertStatus
  resolution: AlertResolution | null
  close_comment: string | null
  assignee: string | null
  tags: Json<string[]>
  tactics: Json<string[]>
  techniques: Json<string[]>
  description: string | null
  refs: Json<string[]>
  false_positives: Json<string[]>
  entities: Json<AlertEntities>
  matched: Json
  source: string | null
  first_seen: Timestamp
  last_seen: Timestamp
  event_count: number
  suppressed_count: Generated<number>
  created_at: Timestamp
  updated_at: Timestamp
  acknowledged_at: Timestamp | null
  closed_at: Timestamp | null
  incident_id: number | null
  merged_into: number | null
  /** The silence that matched when the alert was raised: recorded, not notified. */
  silenced_by: number | null
}

export interface SilenceMatcher {
  /** An alert field: ruleId, ruleTitle, severity, source, host, user, tag. */
  field: string
  /** `=` equals, `!=` differs, `=~` matches the regular expression, `!~` does not. */
  op: '=' | '!=' | '=~' | '!~'
  value: string
}

export interface SilencesTable {
  id: Generated<number>
  matchers: Json<SilenceMatcher[]>
  starts_at: Timestamp
  ends_at: Timestamp
  author: string
  comment: string
  created_at: Timestamp
  expired_at: Timestamp | null
  matched_count: Generated<number>
}

export interface AlertEventsTable {
  alert_id: number
  event_seq: number
  detection_id: number
}

export interface AlertHistoryTable {
  id: Generated<number>
  alert_id: number
  occurred_at: Timestamp
  actor: string
  action: string
  from_value: string | null
  to_value: string | null
  comment: string | null
  details: Json | null
}

export const INCIDENT_PHASES = [
  'open',
  'triage',
  'containment',
  'eradication',
  'recovery',
  'post_incident',
  'closed',
] as const
export type IncidentPhase = (typeof INCIDENT_PHASES)[number]

export interface IncidentsTable {
  id: Generated<number>
  title: string
  description: string | null
  severity: string
  tlp: string
  pap: string
  status: IncidentPhase
  resolution: string | null
  impact: string | null
  owner: string | null
  participants: Json<string[]>
  tags: Json<string[]>
  custom_fields: Json
  created_by: string
  created_at: Timestamp
  updated_at: Timestamp
  /** Earliest first-seen of its alerts: the start of time-to-detect. */
  detected_at: Timestamp | null
  contained_at: Timestamp | null
  resolved_at: Timestamp | null
  closed_at: Timestamp | null
  merged_into: number | null
}

export interface IncidentTimelineTable {
  id: Generated<number>
  incident_id: number
  /** When it happened (may be long before it was written down). */
  occurred_at: Timestamp
  /** When it was recorded here. */
  recorded_at: Timestamp
  kind: string
  title: string
  body: string | null
  actor: string
  flagged: Generated<boolean>
  ref_type: string | null
  ref_id: string | null
  details: Json | null
}

export interface IncidentTasksTable {
  id: Generated<number>
  incident_id: number
  /** `task` (part of the response) or `follow_up` (an action item that outlives the incident). */
  kind: 'task' | 'follow_up'
  title: string
  owner: string | null
  due_at: Timestamp | null
  status: 'open' | 'in_progress' | 'done' | 'cancelled'
  created_at: Timestamp
  updated_at: Timestamp
  completed_at: Timestamp | null
}

export interface IncidentObservablesTable {
  id: Generated<number>
  incident_id: number
  type: string
  value: string
  ioc: Generated<boolean>
  tlp: string
  origin: string
  created_at: Timestamp
}

export interface IncidentNotesTable {
  id: Generated<number>
  incident_id: number
  body: string
  author: string
  created_at: Timestamp
  updated_at: Timestamp
  revisions: Json<{ body: string; author: string; at: string }[]>
  mentions: Json<string[]>
}

export interface NotifyChannelsTable {
  id: Generated<number>
  name: string
  kind: string
  /** The channel's configuration without its secrets. */
  settings: Json
  /** The secret fields (URLs with tokens, passwords, keys) as one AES-256-GCM sealed JSON object. */
  secrets_sealed: string
  enabled: Generated<boolean>
  created_at: Timestamp
  updated_at: Timestamp
}

export interface NotifyRoutesTable {
  id: Generated<number>
  name: string
  /** Routes are evaluated by ascending position. */
  position: number
  min_severity: string | null
  rule_tags: Json<string[]>
  rule_ids: Json<string[]>
  sources: Json<string[]>
  hosts: Json<string[]>
  users: Json<string[]>
  channel_ids: Json<number[]>
  /** When false, a match stops the evaluation of later routes. */
  continue_matching: Generated<boolean>
  enabled: Generated<boolean>
  created_at: Timestamp
  updated_at: Timestamp
}

export type NotificationEvent = 'alert.created' | 'alert.status' | 'alert.sla_breach' | 'digest'
/** `digested`: folded into a digest notification (see `digest_id`) during a flood. */
export type NotificationStatus = 'pending' | 'delivering' | 'delivered' | 'failed' | 'digested'

export interface NotificationOutboxTable {
  id: Generated<number>
  idempotency_key: string
  channel_id: number
  alert_id: number | null
  event: NotificationEvent
  payload: Json
  status: NotificationStatus
  attempts: Generated<number>
  next_attempt_at: Timestamp
  /** The worker holding the row while delivering; kept after delivery as who delivered it. */
  lease_owner: string | null
  lease_expires_at: Timestamp | null
  last_error: string | null
  digest_id: number | null
  created_at: Timestamp
  delivered_at: Timestamp | null
}

export interface Database {
  events: EventsTable
  users: UsersTable
  api_tokens: ApiTokensTable
  sessions: SessionsTable
  audit_log: AuditLogTable
  sources: SourcesTable
  dead_letters: DeadLettersTable
  detections: DetectionsTable
  detect_cursors: DetectCursorsTable
  correlation_state: CorrelationStateTable
  rule_states: RuleStatesTable
  alerts: AlertsTable
  alert_events: AlertEventsTable
  alert_history: AlertHistoryTable
  silences: SilencesTable
  incidents: IncidentsTable
  incident_timeline: IncidentTimelineTable
  incident_tasks: IncidentTasksTable
  incident_observables: IncidentObservablesTable
  incident_notes: IncidentNotesTable
  notify_channels: NotifyChannelsTable
  notify_routes: NotifyRoutesTable
  notification_outbox: NotificationOutboxTable
}

export type UserRow = Selectable<UsersTable>
export type NewUser = Insertable<UsersTable>
export type ApiTokenRow = Selectable<ApiTokensTable>
export type AuditRow = Selectable<AuditLogTable>
export type EventRow = Selectable<EventsTable>
export type SourceRow = Selectable<SourcesTable>
export type DeadLetterRow = Selectable<DeadLettersTable>
export type DetectionRow = Selectable<DetectionsTable>
export type NewDetection = Insertable<DetectionsTable>
export type AlertRow = Selectable<AlertsTable>
export type NewAlert = Insertable<AlertsTable>
export type AlertHistoryRow = Selectable<AlertHistoryTable>
export type SilenceRow = Selectable<SilencesTable>
export type IncidentRow = Selectable<IncidentsTable>
export type IncidentTaskRow = Selectable<IncidentTasksTable>
export type TimelineRow = Selectable<IncidentTimelineTable>
export type NotifyChannelRow = Selectable<NotifyChannelsTable>
export type NotifyRouteRow = Selectable<NotifyRoutesTable>
export type NotificationRow = Selectable<NotificationOutboxTable>
export type NewNotification = Insertable<NotificationOutboxTable>
