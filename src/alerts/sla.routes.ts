import { z } from 'zod'
import { originOf, requireActor } from '../server/auth-hooks.js'
import type { App, AppContext } from '../server/context.js'
import { SLA_STATES } from './sla.js'
import { slaPolicySchema } from './sla-policy.js'
import type { CurrentSlaPolicy } from './sla-policy.service.js'

const slaClockSchema = z.object({
  state: z.enum(SLA_STATES),
  dueAt: z.string(),
  remainingMs: z.number(),
  breachedAt: z.string().nullable(),
})

/** On every alert in API responses: the worst of its two clocks, and each clock. */
export const slaViewSchema = z.object({
  state: z.enum(SLA_STATES),
  ack: slaClockSchema,
  close: slaClockSchema,
})

const policyResponse = z.object({
  policy: slaPolicySchema,
  version: z.number(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
})

function toPublicPolicy(current: CurrentSlaPolicy): z.infer<typeof policyResponse> {
  return {
    policy: current.policy,
    version: current.version,
    updatedAt: current.updatedAt?.toISOString() ?? null,
    updatedBy: current.updatedBy,
  }
}

export async function slaRoutes(app: App, { services }: AppContext): Promise<void> {
  const sla = services.alertSla

  app.get(
    '/api/v1/alerts/sla/policy',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['alerts'],
        summary: 'The SLA policy: acknowledge and close targets per severity, business hours',
        response: { 200: policyResponse },
      },
    },
    async () => toPublicPolicy(await sla.policies.current({ fresh: true })),
  )

  app.put(
    '/api/v1/alerts/sla/policy',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['alerts'],
        summary: 'Replace the SLA policy (open alerts get new due times at the next SLA run)',
        body: slaPolicySchema,
        response: { 200: policyResponse },
      },
    },
    async (request) =>
      toPublicPolicy(await sla.policies.updatePolicy(request.body, requireActor(request), originOf(request))),
  )

  app.get(
    '/api/v1/alerts/sla/breaches',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['alerts'],
        summary: 'SLA breaches recorded, by kind and severity',
        querystring: z.object({ since: z.coerce.date().optional() }),
        response: {
          200: z.object({
            total: z.number(),
            ack: z.number(),
            close: z.number(),
            bySeverity: z.record(z.string(), z.object({ ack: z.number(), close: z.number() })),
          }),
        },
      },
    },
    async (request) => sla.breachCounts(request.query.since),
  )
}
