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
  /** The input envelope's metadata (HEC sourcetype, bulk _id …): a flat object of strings, or null. */
  labels: Json | null
  /**
   * The embedded store's place of the original in its originals journal (segment, block, bytes
   * in the block), when `original` does not hold it; null otherwise (see originals-journal.ts).
   */
  original_segment: number | null
  original_block: number | null
  original_offset: number | null
  original_length: number | null
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
  /** SLA state as of the SLA task's last run, for filtering (responses compute it live). */
  sla_state: string | null
  /** Rule plus suppression fields: later detections with this key until `suppressed_until` are suppressed. */
  suppression_key: Generated<string | null>
  suppressed_until: Generated<Date | null>
}

/** One entity of an alert (kind host, user, ip …; value lower-cased): the list's entity filters. */
export interface AlertEntitiesTable {
  alert_id: number
  kind: string
  value: string
}

/** Per-rule alert grouping and suppression (null: the defaults). */
export interface RuleAlertSettingsTable {
  rule_id: string
  group_by: Json<string[]> | null
  dedup_window_ms: number | null
  suppress_by: Json<string[]> | null
  suppress_window_ms: number | null
  /** `restart` or `continue`: whether a closed alert still holds its suppression window. */
  suppress_after_close: string | null
  updated_by: string
  updated_at: Timestamp
}

export interface AlertSuppressedDetectionsTable {
  alert_id: number
  detection_id: number
  detected_at: Timestamp
}

export interface ExceptionMatcher {
  /** A detection field: ruleId, ruleTitle, source, host, user, tag, an entity kind, or matched.<Field>. */
  field: string
  op: 'equals' | 'contains' | 'regex'
  value: string
  /** Matches when the condition does not hold. */
  negate: boolean
}

export interface AlertExceptionsTable {
  id: Generated<number>
  /** null: every rule. */
  rule_id: string | null
  matchers: Json<ExceptionMatcher[]>
  owner: string
  reason: string
  expires_at: Timestamp
  created_by: string
  created_at: Timestamp
  expired_at: Timestamp | null
  expired_by: string | null
  hit_count: Generated<number>
  last_hit_at: Timestamp | null
}

export type QuietReason = 'deduplicated' | 'suppressed' | 'excepted' | 'silenced'

/** Detections that did not raise an alert, and alerts that were not notified, per UTC day, reason and rule. */
export interface AlertQuietCountersTable {
  day: Timestamp
  reason: QuietReason
  rule_id: string
  total: number
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
  contained_at: Timestamp | null
  resolved_at: Timestamp | null
  closed_at: Timestamp | null
  merged_into: number | null
  /** The template it was opened from (its field definitions validate `custom_fields`). */
  template: Generated<string | null>
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

export type RcaState = 'draft' | 'in_review' | 'approved'
export interface FiveWhy {
  question: string
  answer: string
}

/** The written part of an incident's root-cause analysis; times and key events are read live. */
export interface IncidentRcasTable {
  incident_id: number
  /** Bumped by every save: a save naming an older version is refused (optimistic concurrency). */
  version: number
  state: RcaState
  summary: string
  impact: string
  /** How it was detected, in words; the detection times are computed from recorded timestamps. */
  detection: string
  root_cause: string
  contributing_factors: Json<string[]>
  five_whys: Json<FiveWhy[]>
  went_well: Json<string[]>
  went_badly: Json<string[]>
  /** Everyone who saved a version: none of them may approve it (unless admin). */
  authors: Json<string[]>
  created_by: string
  created_at: Timestamp
  updated_by: string
  updated_at: Timestamp
  submitted_by: string | null
  submitted_at: Timestamp | null
  reviewed_by: string | null
  reviewed_at: Timestamp | null
  review_comment: string | null
}

export type CustodyAction = 'acquire' | 'upload' | 'view' | 'download' | 'export' | 'verify' | 'transfer'

/** A file kept as evidence: stored once by content hash under dataDir/evidence/sha256/. */
export interface IncidentEvidenceTable {
  id: Generated<number>
  incident_id: number
  name: string
  description: string | null
  media_type: string
  sha256: string
  size_bytes: number
  acquired_by: string
  acquired_at: Timestamp
  /** Where it was taken from (host, mailbox, cloud account). */
  acquired_where: string | null
  /** How it was taken (memory dump with winpmem, export from the mail gateway…). */
  acquisition_method: string | null
  uploaded_by: string
  uploaded_at: Timestamp
  last_verified_at: Timestamp | null
  last_verify_result: 'intact' | 'modified' | 'missing' | null
}

/** The chain of custody: who did what with an evidence item, when, and why. Append-only. */
export interface EvidenceCustodyTable {
  id: Generated<number>
  evidence_id: number
  incident_id: number
  action: CustodyAction
  actor: string
  occurred_at: Timestamp
  reason: string | null
  details: Json | null
}

export interface TemplateTask {
  title: string
  kind: 'task' | 'follow_up'
}

export type CustomFieldType = 'string' | 'number' | 'boolean' | 'date' | 'enum'

export interface CustomFieldDefinition {
  name: string
  label: string
  type: CustomFieldType
  /** The allowed values of an `enum` field. */
  options?: string[] | undefined
  /** Must hold a value before the incident can be closed. */
  required: boolean
}

export interface IncidentTemplatesTable {
  id: Generated<number>
  /** The incident type, e.g. `phishing`; what `template` names when an incident is opened. */
  name: string
  title: string
  description: string | null
  severity: string
  tags: Json<string[]>
  tasks: Json<TemplateTask[]>
  fields: Json<CustomFieldDefinition[]>
  built_in: Generated<boolean>
  created_at: Timestamp
  updated_at: Timestamp
}

/** Sends the brief to a notification channel at each slot of a cron expression in a time zone. */
export interface BriefSchedulesTable {
  id: Generated<number>
  name: string
  channel_id: number
  /** Five fields (minute hour day-of-month month day-of-week), evaluated in `time_zone`. */
  cron: string
  time_zone: string
  /** Hours covered by each brief; null: since the previous slot sent. */
  period_hours: number | null
  enabled: Generated<boolean>
  /** The last slot enqueued (its idempotency key is per schedule and slot). */
  last_slot_at: Timestamp | null
  created_by: string
  created_at: Timestamp
  updated_at: Timestamp
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

export type NotificationEvent = 'alert.created' | 'alert.status' | 'alert.sla_breach' | 'digest' | 'brief'
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

/** The one SLA policy row (id 1), set through the API; absent means the configured defaults. */
export interface AlertSlaPolicyTable {
  id: number
  policy: Json
  /** Bumped on every change: alert due times computed under an older version are recomputed. */
  version: number
  updated_at: Timestamp
  updated_by: string
}

/** An alert's SLA due times (business hours applied) and the breaches recorded, once per kind. */
export interface AlertSlaTable {
  alert_id: number
  policy_version: number
  ack_due_at: Timestamp
  /** When the alert turns `at_risk` (the last quarter of the target). */
  ack_risk_at: Timestamp
  close_due_at: Timestamp
  close_risk_at: Timestamp
  ack_breached_at: Timestamp | null
  close_breached_at: Timestamp | null
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
  alert_entities: AlertEntitiesTable
  alert_events: AlertEventsTable
  alert_history: AlertHistoryTable
  silences: SilencesTable
  rule_alert_settings: RuleAlertSettingsTable
  alert_suppressed_detections: AlertSuppressedDetectionsTable
  alert_exceptions: AlertExceptionsTable
  alert_quiet_counters: AlertQuietCountersTable
  incidents: IncidentsTable
  incident_timeline: IncidentTimelineTable
  incident_tasks: IncidentTasksTable
  incident_observables: IncidentObservablesTable
  incident_notes: IncidentNotesTable
  incident_evidence: IncidentEvidenceTable
  evidence_custody: EvidenceCustodyTable
  incident_templates: IncidentTemplatesTable
  brief_schedules: BriefSchedulesTable
  incident_rcas: IncidentRcasTable
  notify_channels: NotifyChannelsTable
  notify_routes: NotifyRoutesTable
  notification_outbox: NotificationOutboxTable
  alert_sla_policy: AlertSlaPolicyTable
  alert_sla: AlertSlaTable
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
export type RuleAlertSettingsRow = Selectable<RuleAlertSettingsTable>
export type AlertExceptionRow = Selectable<AlertExceptionsTable>
export type IncidentRow = Selectable<IncidentsTable>
export type IncidentTaskRow = Selectable<IncidentTasksTable>
export type IncidentRcaRow = Selectable<IncidentRcasTable>
export type TimelineRow = Selectable<IncidentTimelineTable>
export type EvidenceRow = Selectable<IncidentEvidenceTable>
export type CustodyRow = Selectable<EvidenceCustodyTable>
export type IncidentTemplateRow = Selectable<IncidentTemplatesTable>
export type BriefScheduleRow = Selectable<BriefSchedulesTable>
export type NotifyChannelRow = Selectable<NotifyChannelsTable>
export type NotifyRouteRow = Selectable<NotifyRoutesTable>
export type NotificationRow = Selectable<NotificationOutboxTable>
export type NewNotification = Insertable<NotificationOutboxTable>
export type AlertSlaRow = Selectable<AlertSlaTable>
