import { z } from 'zod'
import type { App, AppContext } from './context.js'

export async function healthRoutes(app: App, { services }: AppContext): Promise<void> {
  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      logLevel: 'warn',
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process answers',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  )

  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      logLevel: 'warn',
      schema: {
        tags: ['health'],
        summary: 'Readiness: the database answers',
        response: {
          200: z.object({ status: z.literal('ready'), engine: z.string() }),
          503: z.object({ status: z.literal('unavailable'), reason: z.string() }),
        },
      },
    },
    async (request, reply) => {
      try {
        await services.store.ping()
        return { status: 'ready' as const, engine: services.store.engine }
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed')
        return reply.status(503).send({ status: 'unavailable' as const, reason: 'database unreachable' })
      }
    },
  )
}
