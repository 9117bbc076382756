import { z } from 'zod'
import { originOf, requireActor } from '../server/auth-hooks.js'
import type { App, AppContext } from '../server/context.js'

const channelSchema = z.object({
  id: z.number(),
  name: z.string(),
  kind: z.string(),
  enabled: z.boolean(),
  config: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
})

const params = z.object({ id: z.coerce.number().int().positive() })

export async function channelsRoutes(app: App, { services }: AppContext): Promise<void> {
  const { channels } = services
  app.get(
    '/api/v1/channels',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['notify'],
        summary: 'Notification channels (secrets masked)',
        response: { 200: z.object({ items: z.array(channelSchema) }) },
      },
    },
    async () => ({ items: (await channels.list()).map((row) => channels.toPublic(row)) }),
  )

  app.get(
    '/api/v1/channels/:id',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['notify'],
        summary: 'One channel (secrets masked)',
        params,
        response: { 200: channelSchema },
      },
    },
    async (request) => channels.toPublic(await channels.get(request.params.id)),
  )

  app.post(
    '/api/v1/channels',
    {
      config: { access: 'engineer' },
      schema: {
        tags: ['notify'],
        summary: 'Create a channel: webhook, slack, teams, email or pagerduty',
        body: z.object({
          name: z.string().min(1).max(100),
          kind: z.string().min(1).max(40),
          config: z.record(z.string(), z.unknown()),
          enabled: z.boolean().optional(),
        }),
        response: { 201: channelSchema },
      },
    },
    async (request, reply) => {
      const row = await channels.create(request.body, requireActor(request), originOf(request))
      return reply.status(201).send(channels.toPublic(row))
    },
  )

  app.patch(
    '/api/v1/channels/:id',
    {
      config: { access: 'engineer' },
      schema: {
        tags: ['notify'],
        summary: 'Change a channel; secret fields left out (or sent masked) keep their value',
        params,
        body: z.object({
          name: z.string().min(1).max(100).optional(),
          config: z.record(z.string(), z.unknown()).optional(),
          enabled: z.boolean().optional(),
        }),
        response: { 200: channelSchema },
      },
    },
    async (request) =>
      channels.toPublic(
        await channels.update(request.params.id, request.body, requireActor(request), originOf(request)),
      ),
  )

  app.delete(
    '/api/v1/channels/:id',
    {
      config: { access: 'engineer' },
      schema: { tags: ['notify'], summary: 'Delete a channel', params },
    },
    async (request, reply) => {
      await channels.delete(request.params.id, requireActor(request), originOf(request))
      return reply.status(204).send()
    },
  )
}
