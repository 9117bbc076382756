import { z } from 'zod'
import { originOf, requireActor } from '../../server/auth-hooks.js'
import type { App, AppContext } from '../../server/context.js'
import { REPORT_FORMATS } from './report.service.js'

export async function reportRoutes(app: App, { services }: AppContext): Promise<void> {
  app.get(
    '/api/v1/incidents/:id/report',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['incidents'],
        summary: 'The incident report as Markdown, HTML or PDF; include=rca appends the root-cause analysis',
        params: z.object({ id: z.coerce.number().int().positive() }),
        querystring: z.object({
          format: z.enum(REPORT_FORMATS).default('md'),
          include: z.enum(['rca']).optional(),
        }),
      },
    },
    async (request, reply) => {
      const report = await services.reports.export(
        request.params.id,
        { format: request.query.format, includeRca: request.query.include === 'rca' },
        requireActor(request),
        originOf(request),
      )
      return reply
        .header('content-type', report.contentType)
        .header('content-disposition', `attachment; filename="${report.filename}"`)
        .header('cache-control', 'no-store')
        .send(report.body)
    },
  )
}
