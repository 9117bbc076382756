import { z } from 'zod'
import { originOf, requireActor } from '../server/auth-hooks.js'
import type { App, AppContext } from '../server/context.js'
import type { AlertExceptionRow } from '../store/schema.js'
import { EXPIRING_SOON_MS, exceptionState } from './exceptions.service.js'

const matcher = z.object({
  field: z.string().min(1).max(200),
  op: z.enum(['equals', 'contains', 'regex']),
  value: z.string().min(1).max(1_000),
  negate: z.boolean().default(false),
})

const exceptionSchema = z.object({
  id: z.number(),
  ruleId: z.string().nullable(),
  matchers: z.array(matcher),
  owner: z.string(),
  reason: z.string(),
  expiresAt: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  expiredAt: z.string().nullable(),
  expiredBy: z.string().nullable(),
  state: z.enum(['active', 'expired']),
  /** Active and ending within seven days: due for review. */
  expiringSoon: z.boolean(),
  hitCount: z.number(),
  lastHitAt: z.string().nullable(),
})

export function toPublicException(row: AlertExceptionRow, now = new Date()): z.infer<typeof exceptionSchema> {
  const state = exceptionState(row, now)
  return {
    id: row.id,
    ruleId: row.rule_id,
    matchers: row.matchers,
    owner: row.owner,
    reason: row.reason,
    expiresAt: row.expires_at.toISOString(),
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    expiredAt: row.expired_at?.toISOString() ?? (state === 'expired' ? row.expires_at.toISOString() : null),
    expiredBy: row.expired_by,
    state,
    expiringSoon: state === 'active' && row.expires_at.getTime() - now.getTime() < EXPIRING_SOON_MS,
    hitCount: Number(row.hit_count),
    lastHitAt: row.last_hit_at?.toISOString() ?? null,
  }
}

const idParams = z.object({ id: z.coerce.number().int().positive() })

export async function exceptionsRoutes(app: App, { services }: AppContext): Promise<void> {
  const exceptions = services.exceptions

  app.get(
    '/api/v1/exceptions',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['exceptions'],
        summary: 'Exceptions, active ones unless `state` says otherwise, with their hit counts',
        querystring: z.object({
          state: z.enum(['active', 'expired', 'all']).default('active'),
          ruleId: z.string().max(200).optional(),
        }),
        response: { 200: z.object({ items: z.array(exceptionSchema) }) },
      },
    },
    async (request) => {
      const now = new Date()
      const rows = await exceptions.list(request.query)
      return { items: rows.map((row) => toPublicException(row, now)) }
    },
  )

  app.get(
    '/api/v1/exceptions/:id',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['exceptions'],
        summary: 'One exception',
        params: idParams,
        response: { 200: exceptionSchema },
      },
    },
    async (request) => toPublicException(await exceptions.get(request.params.id)),
  )

  app.post(
    '/api/v1/exceptions',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['exceptions'],
        summary:
          'Keep detections matching every matcher (on one rule, or every rule when ruleId is null) from raising alerts, until expiresAt',
        body: z.object({
          ruleId: z.string().min(1).max(200).nullable(),
          matchers: z.array(matcher).min(1).max(20),
          owner: z.string().min(1).max(64).optional(),
          reason: z.string().min(1).max(2_000),
          expiresAt: z.coerce.date(),
        }),
        response: { 201: exceptionSchema },
      },
    },
    async (request, reply) => {
      const row = await exceptions.create(request.body, requireActor(request), originOf(request))
      return reply.status(201).send(toPublicException(row))
    },
  )

  app.patch(
    '/api/v1/exceptions/:id',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['exceptions'],
        summary: 'Change the owner or reason of an active exception, or move its expiry (after a review)',
        params: idParams,
        body: z
          .object({
            owner: z.string().min(1).max(64).optional(),
            reason: z.string().min(1).max(2_000).optional(),
            expiresAt: z.coerce.date().optional(),
          })
          .refine((body) => Object.keys(body).length > 0, 'nothing to change'),
        response: { 200: exceptionSchema },
      },
    },
    async (request) =>
      toPublicException(
        await exceptions.update(request.params.id, request.body, requireActor(request), originOf(request)),
      ),
  )

  app.post(
    '/api/v1/exceptions/:id/expire',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['exceptions'],
        summary: 'End an exception now: matching detections raise alerts again',
        params: idParams,
        response: { 200: exceptionSchema },
      },
    },
    async (request) =>
      toPublicException(await exceptions.expire(request.params.id, requireActor(request), originOf(request))),
  )
}
