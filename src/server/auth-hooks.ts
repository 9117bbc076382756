import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import type { Actor, RequestOrigin } from '../auth/actor.js'
import { roleAllows } from '../auth/roles.js'
import { AuthenticationError, ForbiddenError } from '../core/errors.js'
import type { App, RouteAccess } from './context.js'
import type { Services } from './services.js'

export const SESSION_COOKIE = 'wf_session'
export const CSRF_COOKIE = 'wf_csrf'
export const CSRF_HEADER = 'x-csrf-token'

/** Every route the app registered, with its declared access: the security test walks this list. */
export interface CatalogedRoute {
  method: string
  url: string
  access: RouteAccess
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Routes outside the API (the console's static files) are public by nature; everything else must declare access. */
function needsDeclaredAccess(url: string): boolean {
  return url.startsWith('/api/') || url === '/healthz' || url === '/readyz' || url === '/metrics'
}

export function registerAuthHooks(app: App, services: Services): void {
  app.decorateRequest('actor', null)
  app.decorateRequest('auditTrail', null as never)

  const catalog: CatalogedRoute[] = []
  app.decorate('routeCatalog', catalog)
  app.addHook('onRoute', (route: RouteOptions) => {
    const access = route.config?.access
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') catalog.push({ method, url: route.url, access: access ?? 'public' })
    }
    if (access === undefined && needsDeclaredAccess(route.url)) {
      throw new Error(
        `route ${String(route.method)} ${route.url} does not declare config.access (a role or 'public')`,
      )
    }
  })

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    request.auditTrail = { entries: 0 }
    const access = request.routeOptions.config?.access
    if (access === undefined || access === 'public') return
    const actor = await authenticate(request, services)
    if (!actor) throw new AuthenticationError('authentication required: send a bearer token or log in')
    if (actor.sessionIdHash && !SAFE_METHODS.has(request.method)) {
      const csrfTokenHash = (actor as Actor & { csrfTokenHash?: string }).csrfTokenHash ?? ''
      const presented = request.headers[CSRF_HEADER]
      if (
        !services.sessions.csrfMatches(csrfTokenHash, typeof presented === 'string' ? presented : undefined)
      ) {
        throw new ForbiddenError(`missing or wrong ${CSRF_HEADER} header for a cookie-authenticated request`)
      }
    }
    if (!roleAllows(actor.role, access)) {
      throw new ForbiddenError(`this needs the ${access} role; you have ${actor.role}`)
    }
    request.actor = actor
    void reply
  })

  app.addHook('onResponse', async (request, reply) => {
    const isWrite = !SAFE_METHODS.has(request.method)
    const access = request.routeOptions.config?.access
    if (
      isWrite &&
      access !== undefined &&
      access !== 'public' &&
      reply.statusCode < 400 &&
      request.auditTrail.entries === 0
    ) {
      request.log.error(
        { route: request.routeOptions.url },
        'state-changing request finished without an audit entry',
      )
    }
  })
}

async function authenticate(request: FastifyRequest, services: Services): Promise<Actor | undefined> {
  const header = request.headers.authorization
  if (header) {
    const [scheme, value] = header.split(' ', 2)
    if (scheme?.toLowerCase() !== 'bearer' || !value) return undefined
    return services.tokens.authenticate(value.trim())
  }
  const sessionId = request.cookies[SESSION_COOKIE]
  if (sessionId) return services.sessions.authenticate(sessionId)
  return undefined
}

/** The audit origin for a request; appendAudit counts its entries on the request's trail. */
export function originOf(request: FastifyRequest): RequestOrigin {
  return { ip: request.ip, requestId: String(request.id), trail: request.auditTrail }
}

export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) throw new AuthenticationError()
  return request.actor
}
