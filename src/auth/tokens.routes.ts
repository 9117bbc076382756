import { z } from 'zod'
import { UserError } from '../core/errors.js'
import { originOf, requireActor } from '../server/auth-hooks.js'
import type { App, AppContext } from '../server/context.js'
import { ROLES } from './roles.js'

const tokenInfo = z.object({
  id: z.number(),
  name: z.string(),
  role: z.string(),
  userId: z.number(),
  prefix: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
})

export async function tokensRoutes(app: App, { services }: AppContext): Promise<void> {
  app.get(
    '/api/v1/tokens',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['tokens'],
        summary: 'List API tokens: your own, or everyone’s for an admin',
        response: { 200: z.object({ items: z.array(tokenInfo) }) },
      },
    },
    async (request) => {
      const actor = requireActor(request)
      const filter = actor.role === 'admin' ? {} : { userId: actor.userId ?? -1 }
      return { items: await services.tokens.list(filter) }
    },
  )

  app.post(
    '/api/v1/tokens',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['tokens'],
        summary:
          'Create an API token for yourself, with a role up to your own. The token is shown only in this answer.',
        body: z.object({
          name: z.string().min(1).max(100),
          role: z.enum(ROLES as ['viewer', 'analyst', 'engineer', 'admin']),
          expiresInDays: z.number().int().positive().max(3650).optional(),
        }),
        response: { 201: z.object({ token: z.string(), info: tokenInfo }) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request)
      if (actor.userId === null) throw new UserError('no_owner', 'tokens belong to a user')
      const { name, role, expiresInDays } = request.body
      const expiresAt = expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : null
      const created = await services.tokens.create(
        { name, role, userId: actor.userId, expiresAt },
        actor,
        originOf(request),
      )
      return reply.status(201).send(created)
    },
  )

  app.delete(
    '/api/v1/tokens/:id',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke an API token (your own, or any for an admin)',
        params: z.object({ id: z.coerce.number().int().positive() }),
        response: { 200: tokenInfo },
      },
    },
    async (request) => {
      const actor = requireActor(request)
      const onlyOwnedBy = actor.role === 'admin' ? undefined : (actor.userId ?? -1)
      return services.tokens.revoke(request.params.id, actor, originOf(request), onlyOwnedBy)
    },
  )
}
