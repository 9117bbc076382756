import { type BriefNotice, briefHeadline } from '../brief/brief-message.js'
import type { AlertEntities, AlertRow, AlertStatus, NotificationEvent } from '../store/schema.js'

/** What a notification says about an alert: a snapshot taken when the change was committed. */
export interface AlertNotice {
  id: number
  ruleId: string
  ruleTitle: string
  severity: string
  status: AlertStatus
  source: string | null
  tags: string[]
  hosts: string[]
  users: string[]
  eventCount: number
  createdAt: string
}

export interface DigestSummary {
  count: number
  bySeverity: Record<string, number>
  /** The first alerts of the digest (the count says how many there were). */
  alerts: AlertNotice[]
}

/** The stored payload of an outbox row. */
export interface NotificationPayload {
  alert?: AlertNotice
  previousStatus?: AlertStatus
  digest?: DigestSummary
  /** `alert.sla_breach`: the clock that ran out (acknowledge or close) and when it was due. */
  sla?: { kind: 'ack' | 'close'; dueAt: string }
  /** `brief`: the brief sent on a schedule or by hand (see src/brief/brief-schedule.service.ts). */
  brief?: BriefNotice
}

/** What a channel delivers. */
export interface NotificationMessage extends NotificationPayload {
  event: NotificationEvent
  idempotencyKey: string
  createdAt: string
}

export function noticeFromAlert(
  alert: Pick<
    AlertRow,
    'id' | 'rule_id' | 'rule_title' | 'severity' | 'status' | 'source' | 'tags' | 'event_count' | 'created_at'
  > & { entities: Pick<AlertEntities, 'hosts' | 'users'> },
): AlertNotice {
  return {
    id: alert.id,
    ruleId: alert.rule_id,
    ruleTitle: alert.rule_title,
    severity: alert.severity,
    status: alert.status,
    source: alert.source,
    tags: alert.tags,
    hosts: alert.entities.hosts,
    users: alert.entities.users,
    eventCount: Number(alert.event_count),
    createdAt: alert.created_at.toISOString(),
  }
}

export function alertLink(publicUrl: string | undefined, alertId: number): string | undefined {
  return publicUrl ? `${publicUrl.replace(/\/+$/, '')}/alerts/${alertId}` : undefined
}

/** One line for subjects, fallbacks and summaries. */
export function headline(message: NotificationMessage): string {
  if (message.brief) return briefHeadline(message.brief)
  if (message.digest)
    return `${message.digest.count} new alerts (${Object.entries(message.digest.bySeverity)
      .map(([severity, count]) => `${count} ${severity}`)
      .join(', ')})`
  const alert = message.alert
  if (!alert) return `Watchfloor ${message.event}`
  const where = alert.hosts[0] ?? alert.source ?? ''
  const status =
    message.event === 'alert.status'
      ? ` is now ${alert.status}`
      : message.sla
        ? ` missed its time to ${message.sla.kind === 'ack' ? 'acknowledge' : 'close'}`
        : ''
  return `[${alert.severity.toUpperCase()}] ${alert.ruleTitle}${where ? ` on ${where}` : ''}${status}`
}
