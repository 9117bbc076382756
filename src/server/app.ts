import fastifyCookie from '@fastify/cookie'
import fastifySwagger from '@fastify/swagger'
import Fastify, { type FastifyBaseLogger } from 'fastify'
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod'
import { alertActionsRoutes } from '../alerts/alert-actions.routes.js'
import { alertQuietingRoutes } from '../alerts/alert-quieting.routes.js'
import { alertStreamRoutes } from '../alerts/alert-stream.routes.js'
import { alertsRoutes } from '../alerts/alerts.routes.js'
import { exceptionsRoutes } from '../alerts/exceptions.routes.js'
import { ruleAlertSettingsRoutes } from '../alerts/rule-alert-settings.routes.js'
import { silencesRoutes } from '../alerts/silences.routes.js'
import { slaRoutes } from '../alerts/sla.routes.js'
import { auditRoutes } from '../auth/audit.routes.js'
import { authRoutes } from '../auth/auth.routes.js'
import { tokensRoutes } from '../auth/tokens.routes.js'
import { usersRoutes } from '../auth/users.routes.js'
import { briefRoutes } from '../brief/brief.routes.js'
import { briefScheduleRoutes } from '../brief/brief-schedule.routes.js'
import { evidenceRoutes } from '../cases/evidence.routes.js'
import { incidentsRoutes } from '../cases/incidents.routes.js'
import { rcaRoutes } from '../cases/rca.routes.js'
import { reportRoutes } from '../cases/report/report.routes.js'
import { templatesRoutes } from '../cases/templates.routes.js'
import { rulesRoutes } from '../detect/live/rules.routes.js'
import { elasticRoutes } from '../ingest/elastic/elastic.routes.js'
import { hecRoutes } from '../ingest/hec/hec.routes.js'
import { deadLettersRoutes } from '../ingest/http/dead-letters.routes.js'
import { ingestRoutes } from '../ingest/http/ingest.routes.js'
import { metricsRoutes } from '../ingest/http/metrics.routes.js'
import { sourcesRoutes } from '../ingest/http/sources.routes.js'
import { otlpRoutes } from '../ingest/otlp/otlp.routes.js'
import { responseMetricsRoutes } from '../metrics/metrics.routes.js'
import { channelsRoutes } from '../notify/channels.routes.js'
import { notificationsRoutes } from '../notify/notifications.routes.js'
import { notifyRoutesRoutes } from '../notify/notify-routes.routes.js'
import { registerAuthHooks } from './auth-hooks.js'
import { consoleRoutes } from './console.routes.js'
import { consoleStatsRoutes } from './console-stats.routes.js'
import type { App, AppContext } from './context.js'
import { errorHandler, notFoundHandler } from './errors.js'
import { healthRoutes } from './health.routes.js'

export const API_VERSION = '0.1.0'

/**
 * Assembles the HTTP application: plugins, hooks, then each feature's routes. Routes stay thin;
 * the services in `context.services` hold the logic.
 */
export async function buildApp(context: AppContext, logger: FastifyBaseLogger): Promise<App> {
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: context.config.bodyLimitBytes,
    trustProxy: context.config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    // Slow clients cannot hold a socket forever.
    requestTimeout: 120_000,
    connectionTimeout: 130_000,
    keepAliveTimeout: 65_000,
    routerOptions: { maxParamLength: 500 },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }).withTypeProvider<ZodTypeProvider>()

  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.setErrorHandler(errorHandler)
  app.setNotFoundHandler(notFoundHandler)
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', String(request.id))
    void reply.header('x-content-type-options', 'nosniff')
    void reply.header('referrer-policy', 'no-referrer')
  })

  await app.register(fastifyCookie)
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Watchfloor API',
        version: API_VERSION,
        description: 'Security operations: ingest, detection, alerts, incidents.',
      },
      components: {
        securitySchemes: {
          bearerToken: { type: 'http', scheme: 'bearer', description: 'An API token (wf_…)' },
          sessionCookie: { type: 'apiKey', in: 'cookie', name: 'wf_session' },
        },
      },
      security: [{ bearerToken: [] }, { sessionCookie: [] }],
    },
    transform: jsonSchemaTransform,
  })
  registerAuthHooks(app, context.services)

  for (const routes of [
    healthRoutes,
    authRoutes,
    usersRoutes,
    tokensRoutes,
    auditRoutes,
    sourcesRoutes,
    deadLettersRoutes,
    ingestRoutes,
    elasticRoutes,
    hecRoutes,
    otlpRoutes,
    metricsRoutes,
    rulesRoutes,
    alertsRoutes,
    alertStreamRoutes,
    slaRoutes,
    alertActionsRoutes,
    alertQuietingRoutes,
    ruleAlertSettingsRoutes,
    exceptionsRoutes,
    silencesRoutes,
    channelsRoutes,
    notifyRoutesRoutes,
    notificationsRoutes,
    incidentsRoutes,
    rcaRoutes,
    reportRoutes,
    responseMetricsRoutes,
    evidenceRoutes,
    templatesRoutes,
    briefRoutes,
    briefScheduleRoutes,
    consoleStatsRoutes,
  ]) {
    await routes(app, context)
  }
  app.get('/api/v1/openapi.json', { config: { access: 'viewer' }, schema: { hide: true } }, async () =>
    app.swagger(),
  )
  // Last: the console's catch-all GET must not shadow any API route.
  await consoleRoutes(app)
  return app
}
