import { z } from 'zod'
import { originOf, requireActor } from '../server/auth-hooks.js'
import type { App, AppContext } from '../server/context.js'
import { publicUser } from './auth.routes.js'
import { ROLES } from './roles.js'

const roleSchema = z.enum(ROLES as ['viewer', 'analyst', 'engineer', 'admin'])

export async function usersRoutes(app: App, { services }: AppContext): Promise<void> {
  app.get(
    '/api/v1/users',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'List users',
        response: { 200: z.object({ items: z.array(publicUser) }) },
      },
    },
    async () => ({ items: await services.users.list() }),
  )

  app.post(
    '/api/v1/users',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'Create a user',
        body: z.object({
          username: z.string().min(2).max(64),
          password: z.string().min(1).max(1024),
          role: roleSchema,
          displayName: z.string().max(200).optional(),
        }),
        response: { 201: publicUser },
      },
    },
    async (request, reply) => {
      const user = await services.users.create(request.body, requireActor(request), originOf(request))
      return reply.status(201).send(user)
    },
  )

  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post(
      `/api/v1/users/:username/${verb}`,
      {
        config: { access: 'admin' },
        schema: {
          tags: ['users'],
          summary: disabled
            ? 'Disable a user: ends their sessions and revokes their tokens'
            : 'Enable a user again',
          params: z.object({ username: z.string().min(1).max(64) }),
          response: { 200: publicUser },
        },
      },
      async (request) =>
        services.users.setDisabled(
          request.params.username,
          disabled,
          requireActor(request),
          originOf(request),
        ),
    )
  }
}
