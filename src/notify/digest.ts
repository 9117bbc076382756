import { sql } from 'kysely'
import type { Store } from '../store/store.js'
import type { AlertNotice, DigestSummary, NotificationPayload } from './message.js'

const FLOOD_WINDOW_MS = 60_000
const DIGEST_MAX_ROWS = 10_000
const DIGEST_LISTED = 50

/** Channels with more than `threshold` new-alert notifications pending from the last minute. */
export async function floodedChannels(store: Store, threshold: number, now: Date): Promise<number[]> {
  const rows = await store.db
    .selectFrom('notification_outbox')
    .select(['channel_id', (eb) => eb.fn.countAll<number>().as('pending')])
    .where('status', '=', 'pending')
    .where('event', '=', 'alert.created')
    .where('created_at', '>=', new Date(now.getTime() - FLOOD_WINDOW_MS))
    .groupBy('channel_id')
    .having(sql`count(*)`, '>', threshold)
    .execute()
  return rows.map((row) => Number(row.channel_id))
}

/**
 * Folds a flooded channel's pending new-alert notifications into one digest notification, in one
 * transaction: the folded rows become `digested` (pointing at the digest) and the digest is a
 * pending row like any other, delivered once with its own idempotency key.
 */
export async function foldIntoDigest(store: Store, channelId: number, now: Date): Promise<number> {
  return store.transaction(async (trx) => {
    const rows = await store.outbox.takeForDigest(trx, channelId, DIGEST_MAX_ROWS)
    if (rows.length === 0) return 0
    rows.sort((a, b) => a.id - b.id)
    const alerts = rows.flatMap((row) =>
      (row.payload as NotificationPayload).alert
        ? [(row.payload as NotificationPayload).alert as AlertNotice]
        : [],
    )
    const bySeverity: Record<string, number> = {}
    for (const alert of alerts) bySeverity[alert.severity] = (bySeverity[alert.severity] ?? 0) + 1
    const digest: DigestSummary = { count: rows.length, bySeverity, alerts: alerts.slice(0, DIGEST_LISTED) }
    const inserted = await trx
      .insertInto('notification_outbox')
      .values({
        idempotency_key: `digest:ch-${channelId}:${rows[0]!.id}-${rows.at(-1)!.id}`,
        channel_id: channelId,
        alert_id: null,
        event: 'digest',
        payload: JSON.stringify({ digest } satisfies NotificationPayload),
        status: 'pending',
        next_attempt_at: now,
        lease_owner: null,
        lease_expires_at: null,
        last_error: null,
        digest_id: null,
        created_at: now,
        delivered_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const ids = rows.map((row) => row.id)
    for (let start = 0; start < ids.length; start += 1_000) {
      await trx
        .updateTable('notification_outbox')
        .set({ digest_id: inserted.id })
        .where('id', 'in', ids.slice(start, start + 1_000))
        .execute()
    }
    return rows.length
  })
}
