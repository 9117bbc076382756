import { z } from 'zod'
import { originOf, requireActor } from '../../server/auth-hooks.js'
import type { App, AppContext } from '../../server/context.js'

const deadLetter = z.object({
  id: z.number(),
  receivedAt: z.string(),
  source: z.string(),
  parser: z.string().nullable(),
  input: z.string(),
  reason: z.string(),
  location: z.string().nullable(),
  raw: z.string(),
  rawEncoding: z.string(),
  rawTruncated: z.boolean(),
  replayedAt: z.string().nullable(),
  replayCount: z.number(),
})

export async function deadLettersRoutes(app: App, { services }: AppContext): Promise<void> {
  app.get(
    '/api/v1/dead-letters',
    {
      config: { access: 'engineer' },
      schema: {
        tags: ['ingest'],
        summary: 'Records that could not be parsed, newest first, with the reason and the raw input',
        querystring: z.object({
          source: z.string().max(64).optional(),
          includeReplayed: z.enum(['true', 'false']).optional(),
          before: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ items: z.array(deadLetter), nextBefore: z.number().nullable() }) },
      },
    },
    async (request) => {
      const { source, includeReplayed, before, limit } = request.query
      const rows = await services.deadLetters.list({
        source,
        includeReplayed: includeReplayed === 'true',
        before,
        limit,
      })
      return {
        items: rows.map((row) => ({
          id: row.id,
          receivedAt: row.received_at.toISOString(),
          source: row.source,
          parser: row.parser,
          input: row.input,
          reason: row.reason,
          location: row.location,
          raw: row.raw,
          rawEncoding: row.raw_encoding,
          rawTruncated: row.raw_truncated,
          replayedAt: row.replayed_at?.toISOString() ?? null,
          replayCount: Number(row.replay_count),
        })),
        nextBefore: rows.length === limit ? (rows.at(-1)?.id ?? null) : null,
      }
    },
  )

  app.post(
    '/api/v1/dead-letters/replay',
    {
      config: { access: 'engineer' },
      schema: {
        tags: ['ingest'],
        summary:
          'Parse dead letters again with their source’s current parser; those that parse become events',
        body: z
          .object({
            ids: z.array(z.number().int().positive()).max(10_000).optional(),
            source: z.string().max(64).optional(),
            limit: z.number().int().min(1).max(10_000).default(1_000),
          })
          .refine((body) => body.ids !== undefined || body.source !== undefined, {
            message: 'give ids or a source',
          }),
        response: { 200: z.object({ replayed: z.number(), stillFailing: z.number(), events: z.number() }) },
      },
    },
    async (request) => services.deadLetters.replay(request.body, requireActor(request), originOf(request)),
  )
}
