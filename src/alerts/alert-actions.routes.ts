import { z } from 'zod'
import { originOf, requireActor } from '../server/auth-hooks.js'
import type { App, AppContext } from '../server/context.js'
import type { AlertStatus } from '../store/schema.js'
import { AlertBulkActions, BULK_ACTIONS, BULK_MAX } from './alert-bulk.js'
import { alertEntityFilterShape } from './alert-entity-index.js'
import { mergeAlerts } from './alert-merge.js'
import { SEVERITIES } from './alert-metadata.js'
import { SIMILAR_FIELDS, silenceSimilar } from './alert-silence-similar.js'
import { alertSchema, toPublicAlert } from './alerts.routes.js'
import { ALERT_STATUSES, type AlertChange, RESOLUTIONS } from './alerts.service.js'
import { silenceSchema, toPublicSilence } from './silences.routes.js'
import { SLA_STATES } from './sla.js'

/** The list endpoint's filter, as a JSON object (arrays instead of comma lists). */
const filterSchema = z.object({
  status: z
    .array(z.enum(ALERT_STATUSES as [AlertStatus, ...AlertStatus[]]))
    .max(4)
    .optional(),
  severity: z.array(z.enum(SEVERITIES)).max(5).optional(),
  ruleId: z.string().max(200).optional(),
  assignee: z.string().max(64).optional(),
  source: z.string().max(64).optional(),
  q: z.string().max(200).optional(),
  ...alertEntityFilterShape,
  sla: z.array(z.enum(SLA_STATES)).max(4).optional(),
  since: z.coerce.date().optional(),
  until: z.coerce.date().optional(),
})

const tag = z.string().min(1).max(100)

const similarSchema = z.object({
  fields: z.array(z.enum(SIMILAR_FIELDS)).min(1).max(SIMILAR_FIELDS.length).default(['ruleId', 'host']),
  durationSeconds: z
    .number()
    .int()
    .min(60)
    .max(90 * 86_400),
  comment: z.string().min(1).max(2_000),
})
const idParams = z.object({ id: z.coerce.number().int().positive() })

/** Triage over many alerts: bulk actions on a selection, merging, silencing similar alerts. */
export async function alertActionsRoutes(app: App, { services }: AppContext): Promise<void> {
  const bulk = new AlertBulkActions(services.store, services.alerts, services.silences)

  app.post(
    '/api/v1/alerts/bulk',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['alerts'],
        summary:
          'One action on alerts selected by ids or by the list filter: acknowledge, start, close, reopen, assign, tag, silence_similar (one silence per distinct set of values). dryRun only counts; a selection over max is refused with its count',
        body: z
          .object({
            ids: z.array(z.number().int().positive()).min(1).max(BULK_MAX).optional(),
            filter: filterSchema.optional(),
            action: z.enum(BULK_ACTIONS),
            max: z.number().int().min(1).max(BULK_MAX).default(1_000),
            dryRun: z.boolean().default(false),
            resolution: z.enum(RESOLUTIONS as [string, ...string[]]).optional(),
            comment: z.string().max(10_000).optional(),
            assignee: z.string().min(1).max(64).nullable().optional(),
            addTags: z.array(tag).max(20).optional(),
            removeTags: z.array(tag).max(20).optional(),
            silence: similarSchema.optional(),
          })
          .refine((body) => (body.ids === undefined) !== (body.filter === undefined), {
            message: 'give either ids or filter',
            path: ['ids'],
          }),
        response: {
          200: z.object({
            selected: z.number(),
            eligible: z.number(),
            updated: z.number(),
            dryRun: z.boolean(),
            ids: z.array(z.number()),
            silenceIds: z.array(z.number()).optional(),
          }),
        },
      },
    },
    async (request) =>
      bulk.run(
        { ...request.body, resolution: request.body.resolution as AlertChange['resolution'] },
        requireActor(request),
        originOf(request),
      ),
  )

  app.post(
    '/api/v1/alerts/:id/merge',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['alerts'],
        summary:
          'Merge other alerts into this one: it takes their counts, events and entities; they close as duplicates pointing here',
        params: idParams,
        body: z.object({
          sourceIds: z.array(z.number().int().positive()).min(1).max(100),
          comment: z.string().max(10_000).optional(),
        }),
        response: { 200: z.object({ alert: alertSchema, merged: z.array(z.number()) }) },
      },
    },
    async (request) => {
      const result = await mergeAlerts(
        services.store,
        services.notifyRoutes,
        request.params.id,
        request.body.sourceIds,
        request.body.comment,
        requireActor(request),
        originOf(request),
      )
      return { alert: toPublicAlert(result.target), merged: result.merged }
    },
  )

  app.post(
    '/api/v1/alerts/:id/silence-similar',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['alerts'],
        summary:
          'Silence new alerts like this one (same rule, host, user… as chosen) for a while: recorded, not notified',
        params: idParams,
        body: similarSchema,
        response: { 201: silenceSchema },
      },
    },
    async (request, reply) => {
      const alert = await services.alerts.get(request.params.id)
      const silence = await silenceSimilar(
        services.store,
        services.silences,
        alert,
        request.body,
        requireActor(request),
        originOf(request),
      )
      return reply.status(201).send(toPublicSilence(silence))
    },
  )
}
