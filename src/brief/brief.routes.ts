import { z } from 'zod'
import { UserError } from '../core/errors.js'
import type { App, AppContext } from '../server/context.js'
import { parseSince } from './brief.service.js'

export async function briefRoutes(app: App, { services }: AppContext): Promise<void> {
  app.get(
    '/api/v1/brief',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['brief'],
        summary:
          'What came in while you were away: alerts, incidents, follow-ups, silences and sources since a time (72h, 3d, monday, yesterday, or ISO)',
        querystring: z.object({
          since: z.string().min(1).max(64).default('24h'),
          tz: z.string().max(64).default('UTC'),
        }),
      },
    },
    async (request) => {
      const since = parseSince(request.query.since, new Date(), request.query.tz)
      if (!since)
        throw new UserError(
          'invalid_since',
          `"${request.query.since}" is not a time: use 72h, 3d, monday, yesterday or an ISO date`,
          { details: [{ path: 'since', message: 'not understood' }] },
        )
      return services.brief.build(since)
    },
  )
}
