import { z } from 'zod'
import { originOf, requireActor } from '../../server/auth-hooks.js'
import type { App, AppContext } from '../../server/context.js'
import { toPublicSource } from '../sources.service.js'

const publicSource = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string().nullable(),
  parser: z.string(),
  timezone: z.string(),
  expectedIntervalSeconds: z.number().nullable(),
  enabled: z.boolean(),
  hasIngestToken: z.boolean(),
  createdAt: z.string(),
  lastEventAt: z.string().nullable(),
  lastReceivedAt: z.string().nullable(),
  eventsTotal: z.number(),
  deadLettersTotal: z.number(),
  silentSince: z.string().nullable(),
})

const settings = z.object({
  description: z.string().max(500).nullable().optional(),
  parser: z.string().min(1).max(64).optional(),
  timezone: z.string().min(1).max(64).optional(),
  expectedIntervalSeconds: z
    .number()
    .int()
    .positive()
    .max(30 * 86_400)
    .nullable()
    .optional(),
  enabled: z.boolean().optional(),
})

const nameParam = z.object({ name: z.string().min(1).max(64) })

export async function sourcesRoutes(app: App, { services }: AppContext): Promise<void> {
  app.get(
    '/api/v1/sources',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['sources'],
        summary: 'List sources with their parser, rates and last event time',
        response: { 200: z.object({ items: z.array(publicSource) }) },
      },
    },
    async () => ({ items: await services.sources.list() }),
  )

  app.get(
    '/api/v1/sources/:name',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['sources'],
        summary: 'One source',
        params: nameParam,
        response: { 200: publicSource },
      },
    },
    async (request) => toPublicSource(await services.sources.get(request.params.name)),
  )

  app.post(
    '/api/v1/sources',
    {
      config: { access: 'engineer' },
      schema: {
        tags: ['sources'],
        summary: 'Create a source',
        body: settings.extend({ name: z.string().min(1).max(64) }),
        response: { 201: publicSource },
      },
    },
    async (request, reply) => {
      const { name, ...rest } = request.body
      return reply
        .status(201)
        .send(await services.sources.create(name, rest, requireActor(request), originOf(request)))
    },
  )

  app.patch(
    '/api/v1/sources/:name',
    {
      config: { access: 'engineer' },
      schema: {
        tags: ['sources'],
        summary: 'Change a source’s parser, time zone, expected interval or state',
        params: nameParam,
        body: settings,
        response: { 200: publicSource },
      },
    },
    async (request) =>
      services.sources.update(request.params.name, request.body, requireActor(request), originOf(request)),
  )

  app.post(
    '/api/v1/sources/:name/token',
    {
      config: { access: 'engineer' },
      schema: {
        tags: ['sources'],
        summary:
          'Issue a new ingest token for the source (the previous one stops working). Shown only in this answer.',
        params: nameParam,
        response: { 201: z.object({ token: z.string() }) },
      },
    },
    async (request, reply) => {
      const token = await services.sources.rotateIngestToken(
        request.params.name,
        requireActor(request),
        originOf(request),
      )
      return reply.status(201).send({ token })
    },
  )
}
