import { z } from 'zod'
import { originOf, requireActor } from '../server/auth-hooks.js'
import type { App, AppContext } from '../server/context.js'
import type { SilenceRow } from '../store/schema.js'

const matcher = z.object({
  field: z.string().min(1).max(40),
  op: z.enum(['=', '!=', '=~', '!~']),
  value: z.string().min(1).max(500),
})

export const silenceSchema = z.object({
  id: z.number(),
  matchers: z.array(matcher),
  startsAt: z.string(),
  endsAt: z.string(),
  author: z.string(),
  comment: z.string(),
  createdAt: z.string(),
  expiredAt: z.string().nullable(),
  state: z.enum(['pending', 'active', 'ended']),
  matchedCount: z.number(),
})

export function toPublicSilence(row: SilenceRow, now = new Date()): z.infer<typeof silenceSchema> {
  const ended = row.expired_at !== null || row.ends_at <= now
  return {
    id: row.id,
    matchers: row.matchers,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    author: row.author,
    comment: row.comment,
    createdAt: row.created_at.toISOString(),
    expiredAt: row.expired_at?.toISOString() ?? null,
    state: ended ? 'ended' : row.starts_at > now ? 'pending' : 'active',
    matchedCount: Number(row.matched_count),
  }
}

export async function silencesRoutes(app: App, { services }: AppContext): Promise<void> {
  app.get(
    '/api/v1/silences',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['silences'],
        summary: 'Silences, current ones unless `all=true`',
        querystring: z.object({ all: z.enum(['true', 'false']).optional() }),
        response: { 200: z.object({ items: z.array(silenceSchema) }) },
      },
    },
    async (request) => ({
      items: (await services.silences.list({ includeEnded: request.query.all === 'true' })).map((row) =>
        toPublicSilence(row),
      ),
    }),
  )

  app.post(
    '/api/v1/silences',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['silences'],
        summary: 'Silence alerts matching every matcher, from startsAt (default now) to endsAt',
        body: z.object({
          matchers: z.array(matcher).min(1).max(20),
          startsAt: z.coerce.date().optional(),
          endsAt: z.coerce.date(),
          comment: z.string().min(1).max(2_000),
        }),
        response: { 201: silenceSchema },
      },
    },
    async (request, reply) => {
      const row = await services.silences.create(request.body, requireActor(request), originOf(request))
      return reply.status(201).send(toPublicSilence(row))
    },
  )

  app.post(
    '/api/v1/silences/:id/expire',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['silences'],
        summary: 'End a silence now',
        params: z.object({ id: z.coerce.number().int().positive() }),
        response: { 200: silenceSchema },
      },
    },
    async (request) =>
      toPublicSilence(
        await services.silences.expire(request.params.id, requireActor(request), originOf(request)),
      ),
  )
}
