import { z } from 'zod'
import { UserError } from '../core/errors.js'
import type { App, AppContext } from '../server/context.js'
import { responseDurationsShape } from './incident-clock.schema.js'
import { METRIC_GROUPS } from './response-metrics.service.js'

const DAY_MS = 86_400_000
const nullableMs = z.number().nullable()
const summarySchema = z.object({
  incidents: z.number(),
  mttdMs: nullableMs,
  mttaMs: nullableMs,
  mttcMs: nullableMs,
  mttrMs: nullableMs,
  measured: z.object({ ttd: z.number(), tta: z.number(), ttc: z.number(), ttr: z.number() }),
})

export async function responseMetricsRoutes(app: App, { services }: AppContext): Promise<void> {
  app.get(
    '/api/v1/metrics/response',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['metrics'],
        summary:
          'MTTD, MTTA, MTTC, MTTR over the incidents opened in [from, to) (default: the last 30 days), optionally by severity or rule; false-positive rate per rule',
        querystring: z.object({
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
          group_by: z.enum(METRIC_GROUPS).optional(),
        }),
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            groupBy: z.enum(METRIC_GROUPS).nullable(),
            overall: summarySchema,
            groups: z.array(summarySchema.extend({ key: z.string(), label: z.string() })),
            incidents: z.array(
              z.object({
                id: z.number(),
                title: z.string(),
                severity: z.string(),
                rules: z.array(z.object({ id: z.string(), title: z.string() })),
                createdAt: z.string(),
                ...responseDurationsShape,
              }),
            ),
            falsePositives: z.array(
              z.object({
                ruleId: z.string(),
                ruleTitle: z.string(),
                closed: z.number(),
                falsePositives: z.number(),
                rate: z.number().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const to = request.query.to ? new Date(request.query.to) : new Date()
      const from = request.query.from ? new Date(request.query.from) : new Date(to.getTime() - 30 * DAY_MS)
      if (from >= to)
        throw new UserError('invalid_period', 'from must be before to', {
          details: [{ path: 'from', message: 'not before to' }],
        })
      const metrics = await services.responseMetrics.response({ from, to, groupBy: request.query.group_by })
      return {
        ...metrics,
        from: metrics.from.toISOString(),
        to: metrics.to.toISOString(),
        incidents: metrics.incidents.map((incident) => ({
          ...incident,
          createdAt: incident.createdAt.toISOString(),
        })),
      }
    },
  )
}
