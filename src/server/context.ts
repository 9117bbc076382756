import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { Actor } from '../auth/actor.js'
import type { Role } from '../auth/roles.js'
import type { Config } from '../config/settings.js'
import type { SourceRow } from '../store/schema.js'
import type { Services } from './services.js'

/**
 * Every route says who may call it: a minimum role, or `public` for the few routes that must
 * answer before login (health probes, login itself). A route without it fails at start-up.
 */
export type RouteAccess = Role | 'public' | 'ingest'

/**
 * `ingest` routes are what log shippers call: they accept a source's own ingest token (only for
 * that source) or a person's token with at least this role.
 */
export const INGEST_USER_ROLE: Role = 'engineer'

export interface AuditTrail {
  /** Set by appendAudit through the request's origin; checked when a write finishes. */
  entries: number
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess
  }
  interface FastifyInstance {
    routeCatalog: import('./auth-hooks.js').CatalogedRoute[]
  }
  interface FastifyRequest {
    actor: Actor | null
    /** Set on `ingest` routes authenticated by a source's ingest token. */
    ingestSource: SourceRow | null
    auditTrail: AuditTrail
  }
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>

export interface AppContext {
  config: Config
  services: Services
}
