import type { FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ConflictError, ForbiddenError, NotFoundError, UserError } from '../../core/errors.js'
import type { App, AppContext } from '../../server/context.js'
import type { SourceRow } from '../../store/schema.js'
import { QueueFullError } from '../pipeline/ingest-queue.js'
import { type BodyChunks, collectBodyChunks, splitBodyRecords } from './body-chunks.js'

const MAX_ERRORS_SHOWN = 100

/**
 * Finds the source a request writes to. A source's ingest token may only write to its own
 * source; a person's token (engineer or admin) may write to any, and creates it on first use.
 */
export async function resolveTargetSource(
  request: FastifyRequest,
  context: AppContext,
  name: string | undefined,
): Promise<SourceRow> {
  const bound = request.ingestSource
  if (bound) {
    if (name && name !== bound.name)
      throw new ForbiddenError(`this ingest token belongs to source ${bound.name}, not ${name}`)
    return bound
  }
  if (!name) throw new UserError('source_required', 'name the source (a person’s token is not bound to one)')
  const { sources } = context.services
  const existing = await sources.resolve(name)
  if (existing) {
    if (!existing.enabled) throw new ForbiddenError(`source ${name} is disabled`)
    return existing
  }
  if (!request.actor) throw new NotFoundError('source', name)
  try {
    await sources.create(name, {}, request.actor, {
      ip: request.ip,
      requestId: String(request.id),
      trail: request.auditTrail,
    })
  } catch (error) {
    // Several first requests for a new source race to create it: the losers use the winner's.
    if (!(error instanceof ConflictError)) throw error
  }
  const created = await sources.resolve(name)
  if (!created) throw new NotFoundError('source', name)
  return created
}

export async function ingestRoutes(app: App, context: AppContext): Promise<void> {
  const { services, config } = context

  await app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>()
    // Shippers send NDJSON, JSON, text, gzip'd or not, often with a loose content type: take the bytes.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', collectBodyChunks(config.ingestBodyLimitBytes))

    scope.post(
      '/api/v1/ingest/:source',
      {
        config: { access: 'ingest' },
        bodyLimit: config.ingestBodyLimitBytes,
        schema: {
          tags: ['ingest'],
          summary:
            'Send events: NDJSON, a JSON array, or text lines; gzip accepted. Answers once they are committed.',
          params: z.object({ source: z.string().min(1).max(64) }),
          response: {
            200: z.object({
              accepted: z.number(),
              deadLettered: z.number(),
              errors: z.array(z.object({ location: z.string(), reason: z.string() })),
            }),
          },
        },
      },
      async (request, reply) => {
        const source = await resolveTargetSource(request, context, request.params.source)
        const body = request.body as BodyChunks
        const { records, bytes } = splitBodyRecords(body, request.headers['content-encoding'])
        try {
          const result = await services.ingest.submit({ source, input: 'http', records, bytes })
          const errors = result.records
            .map((record, index) =>
              record.ok ? undefined : { location: records[index]!.location, reason: record.reason },
            )
            .filter((entry) => entry !== undefined)
            .slice(0, MAX_ERRORS_SHOWN)
          return { accepted: result.accepted, deadLettered: result.deadLettered, errors }
        } catch (error) {
          if (error instanceof QueueFullError) void reply.header('retry-after', error.retryAfterSeconds)
          throw error
        }
      },
    )
  })
}
