import { z } from 'zod'
import type { App, AppContext } from '../server/context.js'
import { QUIET_REASONS, quietStats } from './quiet-counters.js'

const reasonEnum = z.enum(QUIET_REASONS as ['deduplicated', 'suppressed', 'excepted', 'silenced'])

/** What was kept quiet, and why: counters per reason, and the detections an alert suppressed. */
export async function alertQuietingRoutes(app: App, { services }: AppContext): Promise<void> {
  app.get(
    '/api/v1/alerts/stats',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['alerts'],
        summary:
          'Why detections raised no new alert (deduplicated, suppressed, excepted) and new alerts were not notified (silenced): totals and top rules, per whole UTC day from since',
        querystring: z.object({
          since: z.coerce.date().optional(),
          until: z.coerce.date().optional(),
          ruleId: z.string().max(200).optional(),
        }),
        response: {
          200: z.object({
            since: z.string().nullable(),
            until: z.string().nullable(),
            totals: z.record(reasonEnum, z.number()),
            byRule: z.array(z.object({ ruleId: z.string(), reason: reasonEnum, total: z.number() })),
          }),
        },
      },
    },
    async (request) => {
      const stats = await quietStats(services.store, request.query)
      return {
        ...stats,
        since: stats.since?.toISOString() ?? null,
        until: stats.until?.toISOString() ?? null,
      }
    },
  )

  app.get(
    '/api/v1/alerts/:id/suppressed',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['alerts'],
        summary: 'Detections suppressed into this alert (the first thousand are linked; the count is exact)',
        params: z.object({ id: z.coerce.number().int().positive() }),
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1_000).default(100) }),
        response: {
          200: z.object({
            suppressedCount: z.number(),
            items: z.array(
              z.object({
                detectionId: z.number(),
                detectedAt: z.string(),
                ruleId: z.string(),
                eventSeqs: z.array(z.number()),
                matched: z.record(z.string(), z.unknown()),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const alert = await services.alerts.get(request.params.id)
      const rows = await services.store.db
        .selectFrom('alert_suppressed_detections')
        .innerJoin('detections', 'detections.id', 'alert_suppressed_detections.detection_id')
        .select([
          'detections.id',
          'detections.detected_at',
          'detections.rule_id',
          'detections.event_seqs',
          'detections.matched',
        ])
        .where('alert_suppressed_detections.alert_id', '=', alert.id)
        .orderBy('detections.id')
        .limit(request.query.limit)
        .execute()
      return {
        suppressedCount: Number(alert.suppressed_count),
        items: rows.map((row) => ({
          detectionId: row.id,
          detectedAt: row.detected_at.toISOString(),
          ruleId: row.rule_id,
          eventSeqs: row.event_seqs,
          matched: row.matched,
        })),
      }
    },
  )
}
