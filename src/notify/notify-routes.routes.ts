import { z } from 'zod'
import { SEVERITIES } from '../alerts/alert-metadata.js'
import { originOf, requireActor } from '../server/auth-hooks.js'
import type { App, AppContext } from '../server/context.js'
import type { NotifyRouteRow } from '../store/schema.js'

const names = z.array(z.string().min(1).max(200)).max(100)

const routeSchema = z.object({
  id: z.number(),
  name: z.string(),
  position: z.number(),
  minSeverity: z.string().nullable(),
  ruleTags: z.array(z.string()),
  ruleIds: z.array(z.string()),
  sources: z.array(z.string()),
  hosts: z.array(z.string()),
  users: z.array(z.string()),
  channelIds: z.array(z.number()),
  continueMatching: z.boolean(),
  enabled: z.boolean(),
})

const routeBody = z.object({
  name: z.string().min(1).max(100),
  position: z.number().int().optional(),
  minSeverity: z.enum(SEVERITIES).nullable().optional(),
  ruleTags: names.optional(),
  ruleIds: names.optional(),
  sources: names.optional(),
  hosts: names.optional(),
  users: names.optional(),
  channelIds: z.array(z.number().int().positive()).min(1).max(20),
  continueMatching: z.boolean().optional(),
  enabled: z.boolean().optional(),
})

function toPublicRoute(row: NotifyRouteRow): z.infer<typeof routeSchema> {
  return {
    id: row.id,
    name: row.name,
    position: row.position,
    minSeverity: row.min_severity,
    ruleTags: row.rule_tags,
    ruleIds: row.rule_ids,
    sources: row.sources,
    hosts: row.hosts,
    users: row.users,
    channelIds: row.channel_ids,
    continueMatching: row.continue_matching,
    enabled: row.enabled,
  }
}

const params = z.object({ id: z.coerce.number().int().positive() })

/** `/api/v1/routes`: which alerts go to which channels, walked in order. */
export async function notifyRoutesRoutes(app: App, { services }: AppContext): Promise<void> {
  const { notifyRoutes } = services
  app.get(
    '/api/v1/routes',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['notify'],
        summary: 'Notification routes in evaluation order',
        response: { 200: z.object({ items: z.array(routeSchema) }) },
      },
    },
    async () => ({ items: (await notifyRoutes.list()).map(toPublicRoute) }),
  )

  app.post(
    '/api/v1/routes',
    {
      config: { access: 'engineer' },
      schema: {
        tags: ['notify'],
        summary: 'Add a route: alerts matching every given criterion go to its channels',
        body: routeBody,
        response: { 201: routeSchema },
      },
    },
    async (request, reply) => {
      const row = await notifyRoutes.create(request.body, requireActor(request), originOf(request))
      return reply.status(201).send(toPublicRoute(row))
    },
  )

  app.patch(
    '/api/v1/routes/:id',
    {
      config: { access: 'engineer' },
      schema: {
        tags: ['notify'],
        summary: 'Change a route',
        params,
        body: routeBody.partial(),
        response: { 200: routeSchema },
      },
    },
    async (request) =>
      toPublicRoute(
        await notifyRoutes.update(request.params.id, request.body, requireActor(request), originOf(request)),
      ),
  )

  app.delete(
    '/api/v1/routes/:id',
    { config: { access: 'engineer' }, schema: { tags: ['notify'], summary: 'Delete a route', params } },
    async (request, reply) => {
      await notifyRoutes.delete(request.params.id, requireActor(request), originOf(request))
      return reply.status(204).send()
    },
  )
}
