import type { Transaction } from 'kysely'
import type { AlertStatus, Database, NotificationEvent } from '../store/schema.js'
import type { AlertNotice, NotificationPayload } from './message.js'
import type { AlertRouter } from './router.js'

export interface AlertChangeEvent {
  event: Exclude<NotificationEvent, 'digest'>
  previousStatus?: AlertStatus | undefined
  /** Makes the key unique per change (a status set twice is two notifications). */
  changedAt: Date
  /** For `alert.sla_breach`: which clock ran out; one notification per alert and kind. */
  sla?: { kind: 'ack' | 'close'; dueAt: string } | undefined
}

export function notificationKey(alert: AlertNotice, change: AlertChangeEvent, channelId: number): string {
  const what =
    change.event === 'alert.created'
      ? 'created'
      : change.event === 'alert.sla_breach'
        ? `sla_breach:${change.sla?.kind}`
        : `${change.event}:${alert.status}:${change.changedAt.getTime()}`
  return `alert-${alert.id}:${what}:ch-${channelId}`
}

/**
 * Writes one outbox row per channel the alert routes to, inside the caller's transaction: the
 * notification exists if and only if the change that caused it was committed. A silenced alert
 * is recorded, never notified. Returns how many rows were written.
 */
export async function enqueueAlertNotifications(
  trx: Transaction<Database>,
  router: AlertRouter,
  alert: AlertNotice & { silenced: boolean },
  change: AlertChangeEvent,
): Promise<number> {
  if (alert.silenced) return 0
  const channels = router(alert)
  if (channels.length === 0) return 0
  const { silenced: _silenced, ...notice } = alert
  const payload: NotificationPayload = {
    alert: notice,
    ...(change.previousStatus ? { previousStatus: change.previousStatus } : {}),
    ...(change.sla ? { sla: change.sla } : {}),
  }
  await trx
    .insertInto('notification_outbox')
    .values(
      channels.map((channelId) => ({
        idempotency_key: notificationKey(alert, change, channelId),
        channel_id: channelId,
        alert_id: alert.id,
        event: change.event,
        payload: JSON.stringify(payload),
        status: 'pending' as const,
        next_attempt_at: change.changedAt,
        lease_owner: null,
        lease_expires_at: null,
        last_error: null,
        digest_id: null,
        created_at: change.changedAt,
        delivered_at: null,
      })),
    )
    .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
    .execute()
  return channels.length
}
