import type { Actor, RequestOrigin } from '../auth/actor.js'
import { appendAudit } from '../auth/audit.js'
import { ConflictError, NotFoundError } from '../core/errors.js'
import type { NotificationRow, NotificationStatus } from '../store/schema.js'
import type { Store } from '../store/store.js'

export interface NotificationFilter {
  status?: NotificationStatus | undefined
  channelId?: number | undefined
  alertId?: number | undefined
  limit: number
}

/** The outbox as people see it: what went where, what failed and why, and a retry. */
export class NotificationsService {
  constructor(private readonly store: Store) {}

  async list(filter: NotificationFilter): Promise<NotificationRow[]> {
    let query = this.store.db
      .selectFrom('notification_outbox')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(filter.limit)
    if (filter.status) query = query.where('status', '=', filter.status)
    if (filter.channelId !== undefined) query = query.where('channel_id', '=', filter.channelId)
    if (filter.alertId !== undefined) query = query.where('alert_id', '=', filter.alertId)
    return query.execute()
  }

  async get(id: number): Promise<NotificationRow> {
    const row = await this.store.db
      .selectFrom('notification_outbox')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFoundError('notification', id)
    return row
  }

  /** Sends a failed notification again from a fresh count of attempts, with the same idempotency key. */
  async retry(id: number, actor: Actor, origin: RequestOrigin): Promise<NotificationRow> {
    return this.store.transaction(async (trx) => {
      const row = await trx
        .updateTable('notification_outbox')
        .set({
          status: 'pending',
          attempts: 0,
          next_attempt_at: new Date(),
          lease_owner: null,
          lease_expires_at: null,
        })
        .where('id', '=', id)
        .where('status', '=', 'failed')
        .returningAll()
        .executeTakeFirst()
      if (!row) {
        const exists = await trx
          .selectFrom('notification_outbox')
          .select('status')
          .where('id', '=', id)
          .executeTakeFirst()
        if (!exists) throw new NotFoundError('notification', id)
        throw new ConflictError(
          `notification ${id} is ${exists.status}; only failed notifications are retried`,
        )
      }
      await appendAudit(this.store, trx, actor, origin, {
        action: 'notification.retry',
        targetType: 'notification',
        targetId: id,
        details: { lastError: row.last_error },
      })
      return row
    })
  }
}
