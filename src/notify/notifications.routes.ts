import { z } from 'zod'
import { originOf, requireActor } from '../server/auth-hooks.js'
import type { App, AppContext } from '../server/context.js'
import type { NotificationRow } from '../store/schema.js'

const STATUSES = ['pending', 'delivering', 'delivered', 'failed', 'digested'] as const

const notificationSchema = z.object({
  id: z.number(),
  idempotencyKey: z.string(),
  channelId: z.number(),
  alertId: z.number().nullable(),
  event: z.string(),
  status: z.enum(STATUSES),
  attempts: z.number(),
  nextAttemptAt: z.string(),
  lastError: z.string().nullable(),
  digestId: z.number().nullable(),
  deliveredBy: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
})

function toPublicNotification(row: NotificationRow): z.infer<typeof notificationSchema> {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    channelId: row.channel_id,
    alertId: row.alert_id,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at.toISOString(),
    lastError: row.last_error,
    digestId: row.digest_id,
    deliveredBy: row.status === 'delivered' ? row.lease_owner : null,
    createdAt: row.created_at.toISOString(),
    deliveredAt: row.delivered_at?.toISOString() ?? null,
  }
}

export async function notificationsRoutes(app: App, { services }: AppContext): Promise<void> {
  app.get(
    '/api/v1/notifications',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['notify'],
        summary: 'The notification outbox, newest first: status, attempts, last error',
        querystring: z.object({
          status: z.enum(STATUSES).optional(),
          channelId: z.coerce.number().int().positive().optional(),
          alertId: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(1_000).default(100),
        }),
        response: { 200: z.object({ items: z.array(notificationSchema) }) },
      },
    },
    async (request) => ({
      items: (await services.notifications.list(request.query)).map(toPublicNotification),
    }),
  )

  app.post(
    '/api/v1/notifications/:id/retry',
    {
      config: { access: 'engineer' },
      schema: {
        tags: ['notify'],
        summary: 'Deliver a failed notification again (same idempotency key)',
        params: z.object({ id: z.coerce.number().int().positive() }),
        response: { 200: notificationSchema },
      },
    },
    async (request) =>
      toPublicNotification(
        await services.notifications.retry(request.params.id, requireActor(request), originOf(request)),
      ),
  )
}
