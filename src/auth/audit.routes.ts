import { z } from 'zod'
import type { App, AppContext } from '../server/context.js'
import { verifyAuditChain } from './audit.js'

const auditEntry = z.object({
  seq: z.number(),
  occurredAt: z.string(),
  actorType: z.string(),
  actorId: z.number().nullable(),
  actorName: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  hash: z.string(),
})

export async function auditRoutes(app: App, { services }: AppContext): Promise<void> {
  app.get(
    '/api/v1/audit',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['audit'],
        summary: 'Audit entries, newest first; page with `before` (a seq)',
        querystring: z.object({
          before: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          action: z.string().max(100).optional(),
        }),
        response: { 200: z.object({ items: z.array(auditEntry), nextBefore: z.number().nullable() }) },
      },
    },
    async (request) => {
      const { before, limit, action } = request.query
      let query = services.store.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(limit)
      if (before !== undefined) query = query.where('seq', '<', before)
      if (action) query = query.where('action', '=', action)
      const rows = await query.execute()
      return {
        items: rows.map((row) => ({
          seq: row.seq,
          occurredAt: row.occurred_at.toISOString(),
          actorType: row.actor_type,
          actorId: row.actor_id,
          actorName: row.actor_name,
          action: row.action,
          targetType: row.target_type,
          targetId: row.target_id,
          ip: row.ip,
          requestId: row.request_id,
          details: row.details,
          hash: row.hash,
        })),
        nextBefore: rows.length === limit ? (rows.at(-1)?.seq ?? null) : null,
      }
    },
  )

  app.get(
    '/api/v1/audit/verify',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['audit'],
        summary: 'Re-hash the audit chain and report the first broken link',
        response: {
          200: z.object({
            ok: z.boolean(),
            checked: z.number(),
            firstBroken: z.object({ seq: z.number(), reason: z.string() }).optional(),
          }),
        },
      },
    },
    async () => verifyAuditChain(services.store),
  )
}
