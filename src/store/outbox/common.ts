import { type Kysely, sql, type Transaction } from 'kysely'
import type { Database, NotificationRow } from '../schema.js'
import type { ClaimOptions } from './outbox-store.js'

/** The claim both engines run; `lockRows` adds PostgreSQL's `FOR UPDATE SKIP LOCKED`. */
export function claimDueRows(
  db: Kysely<Database>,
  options: ClaimOptions,
  lockRows: boolean,
): Promise<NotificationRow[]> {
  const { now } = options
  let due = db
    .selectFrom('notification_outbox')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
        eb.and([eb('status', '=', 'delivering'), eb('lease_expires_at', '<', now)]),
      ]),
    )
    // One alert's notifications to one channel go in order (PagerDuty: trigger, acknowledge,
    // resolve): a row waits while an earlier one for the same alert and channel is undelivered.
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('notification_outbox as earlier')
            .select('earlier.id')
            .whereRef('earlier.channel_id', '=', 'notification_outbox.channel_id')
            .whereRef('earlier.alert_id', '=', 'notification_outbox.alert_id')
            .whereRef('earlier.id', '<', 'notification_outbox.id')
            .where('earlier.status', 'in', ['pending', 'delivering']),
        ),
      ),
    )
    .orderBy('id')
    .limit(options.limit)
  if (lockRows) due = due.forUpdate().skipLocked()
  return db
    .updateTable('notification_outbox')
    .set({
      status: 'delivering',
      lease_owner: options.owner,
      lease_expires_at: new Date(now.getTime() + options.leaseMs),
      attempts: sql`attempts + 1`,
    })
    .where('id', 'in', due)
    .returningAll()
    .execute()
}

export function takePendingForDigest(
  trx: Transaction<Database>,
  channelId: number,
  limit: number,
  lockRows: boolean,
): Promise<NotificationRow[]> {
  let pending = trx
    .selectFrom('notification_outbox')
    .select('id')
    .where('channel_id', '=', channelId)
    .where('status', '=', 'pending')
    .where('event', '=', 'alert.created')
    .orderBy('id')
    .limit(limit)
  if (lockRows) pending = pending.forUpdate().skipLocked()
  return trx
    .updateTable('notification_outbox')
    .set({ status: 'digested' })
    .where('id', 'in', pending)
    .returningAll()
    .execute()
}
