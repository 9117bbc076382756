import type { App, AppContext } from '../../server/context.js'

export async function metricsRoutes(app: App, { services }: AppContext): Promise<void> {
  app.get('/metrics', { config: { access: 'viewer' }, schema: { hide: true } }, async (_request, reply) => {
    const text = await services.metrics.registry.metrics()
    return reply.type(services.metrics.registry.contentType).send(text)
  })
}
