import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import type { Actor, RequestOrigin } from '../auth/actor.js'
import type { Role } from '../auth/roles.js'
import { roleAllows } from '../auth/roles.js'
import { AuthenticationError, ForbiddenError } from '../core/errors.js'
import { isIngestToken } from '../ingest/sources.service.js'
import { type App, INGEST_USER_ROLE, type RouteAccess } from './context.js'
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

/** The shipper-compatible ingest APIs: Elasticsearch `_bulk`, Splunk HEC, OTLP/HTTP. */
const SHIPPER_PREFIXES = ['/es', '/services/collector', '/v1/logs']

/** Routes outside the API (the console's static files) are public by nature; everything else must declare access. */
function needsDeclaredAccess(url: string): boolean {
  return (
    url.startsWith('/api/') ||
    url === '/healthz' ||
    url === '/readyz' ||
    url === '/metrics' ||
    SHIPPER_PREFIXES.some((prefix) => url === prefix || url.startsWith(`${prefix}/`))
  )
}

export function registerAuthHooks(app: App, services: Services): void {
  app.decorateRequest('actor', null)
  app.decorateRequest('ingestSource', null)
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
    if (access === 'ingest') {
      await authenticateIngest(request, services)
      return
    }
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
      // Sending events is recorded by the events themselves and the source's counters, not audited.
      access !== 'ingest' &&
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

/**
 * Shippers authenticate as their protocol allows: `Bearer <token>` (HTTP, OTLP), `Splunk <token>`
 * (HEC), `ApiKey base64(id:token)` or Basic with the token as password (Elasticsearch clients).
 */
export function presentedCredential(header: string | undefined): string | undefined {
  if (!header) return undefined
  const space = header.indexOf(' ')
  if (space < 0) return undefined
  const scheme = header.slice(0, space).toLowerCase()
  const value = header.slice(space + 1).trim()
  if (scheme === 'bearer' || scheme === 'splunk') return value
  // Clients that take an API key as an already-encoded value (the Elasticsearch JS client's
  // `auth.apiKey` string, Fluent Bit's `http_api_key`) send a pasted Watchfloor token as it is.
  if (scheme === 'apikey' && /^wfi?_/.test(value)) return value
  if (scheme === 'apikey' || scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    return colon >= 0 ? decoded.slice(colon + 1) : decoded
  }
  return undefined
}

async function authenticateIngest(request: FastifyRequest, services: Services): Promise<void> {
  const credential = presentedCredential(request.headers.authorization)
  if (!credential)
    throw new AuthenticationError('authentication required: send the source ingest token or an API token')
  if (isIngestToken(credential)) {
    const source = await services.sources.authenticateIngestToken(credential)
    if (!source) throw new AuthenticationError('unknown, rotated or disabled ingest token')
    request.ingestSource = source
    return
  }
  const actor = await services.tokens.authenticate(credential)
  if (!actor) throw new AuthenticationError('unknown, revoked or expired token')
  if (!roleAllows(actor.role, INGEST_USER_ROLE)) {
    throw new ForbiddenError(
      `sending events needs a source ingest token or the ${INGEST_USER_ROLE} role; you have ${actor.role}`,
    )
  }
  request.actor = actor
}

/** The role a person's token needs for a route: what the security test checks against. */
export function minimumRole(access: Exclude<RouteAccess, 'public'>): Role {
  return access === 'ingest' ? INGEST_USER_ROLE : access
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
