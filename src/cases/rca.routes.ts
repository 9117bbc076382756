import { z } from 'zod'
import { incidentClockShape, responseDurationsShape } from '../metrics/incident-clock.schema.js'
import { originOf, requireActor } from '../server/auth-hooks.js'
import type { App, AppContext } from '../server/context.js'
import { toPublicRca } from './rca-view.js'

const idParam = z.object({ id: z.coerce.number().int().positive() })
const text = (max: number) => z.string().max(max)
const list = z.array(text(2_000)).max(50)
const fiveWhys = z.array(z.object({ question: text(1_000), answer: text(4_000) })).max(20)

const content = {
  summary: text(20_000),
  impact: text(20_000),
  detection: text(10_000),
  rootCause: text(20_000),
  contributingFactors: list,
  fiveWhys,
  wentWell: list,
  wentBadly: list,
}
const version = z.number().int().min(0)

const nullableString = z.string().nullable()
const rcaSchema = z.object({
  incidentId: z.number(),
  version: z.number(),
  saved: z.boolean(),
  state: z.enum(['draft', 'in_review', 'approved']),
  summary: z.string(),
  impact: z.string(),
  detection: z.object({
    description: z.string(),
    ...incidentClockShape,
    containedAt: nullableString,
    resolvedAt: nullableString.describe('First entry into post_incident, else the closing'),
    ...responseDurationsShape,
  }),
  keyEvents: z.array(
    z.object({
      id: z.number(),
      occurredAt: z.string(),
      recordedAt: z.string(),
      kind: z.string(),
      title: z.string(),
      body: nullableString,
      actor: z.string(),
    }),
  ),
  rootCause: z.string(),
  contributingFactors: z.array(z.string()),
  fiveWhys: z.array(z.object({ question: z.string(), answer: z.string() })),
  wentWell: z.array(z.string()),
  wentBadly: z.array(z.string()),
  actionItems: z.array(
    z.object({
      taskId: z.number(),
      title: z.string(),
      owner: nullableString,
      dueAt: nullableString,
      status: z.string(),
      completedAt: nullableString,
    }),
  ),
  authors: z.array(z.string()),
  createdBy: nullableString,
  createdAt: nullableString,
  updatedBy: nullableString,
  updatedAt: nullableString,
  review: z.object({
    submittedBy: nullableString,
    submittedAt: nullableString,
    reviewedBy: nullableString,
    reviewedAt: nullableString,
    comment: nullableString,
  }),
})

export async function rcaRoutes(app: App, { services }: AppContext): Promise<void> {
  const { rca } = services
  const tags = ['incidents']

  app.get(
    '/api/v1/incidents/:id/rca',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'The root-cause analysis, or its pre-filled draft (version 0) before the first save',
        params: idParam,
        response: { 200: rcaSchema },
      },
    },
    async (request) => toPublicRca(await rca.get(request.params.id)),
  )

  app.post(
    '/api/v1/incidents/:id/rca',
    {
      config: { access: 'analyst' },
      schema: {
        tags,
        summary: 'Start the root-cause analysis from the pre-filled draft',
        params: idParam,
        response: { 201: rcaSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(toPublicRca(await rca.create(request.params.id, requireActor(request), originOf(request)))),
  )

  app.put(
    '/api/v1/incidents/:id/rca',
    {
      config: { access: 'analyst' },
      schema: {
        tags,
        summary: 'Replace every written field; `version` is the one you read (409 when it changed since)',
        params: idParam,
        body: z.object({ version, ...content }),
        response: { 200: rcaSchema },
      },
    },
    async (request) => {
      const { version: read, ...changes } = request.body
      return toPublicRca(
        await rca.save(request.params.id, read, changes, requireActor(request), originOf(request)),
      )
    },
  )

  app.patch(
    '/api/v1/incidents/:id/rca',
    {
      config: { access: 'analyst' },
      schema: {
        tags,
        summary: 'Change some written fields; `version` is the one you read (409 when it changed since)',
        params: idParam,
        body: z.object({ version, ...z.object(content).partial().shape }),
        response: { 200: rcaSchema },
      },
    },
    async (request) => {
      const { version: read, ...changes } = request.body
      return toPublicRca(
        await rca.save(request.params.id, read, changes, requireActor(request), originOf(request)),
      )
    },
  )

  app.post(
    '/api/v1/incidents/:id/rca/review',
    {
      config: { access: 'analyst' },
      schema: {
        tags,
        summary:
          'submit (draft → in_review), approve (in_review → approved, not by an author unless admin) or return (→ draft)',
        params: idParam,
        body: z.object({
          action: z.enum(['submit', 'approve', 'return']),
          version,
          comment: z.string().max(10_000).optional(),
        }),
        response: { 200: rcaSchema },
      },
    },
    async (request) =>
      toPublicRca(
        await rca.review(request.params.id, request.body, requireActor(request), originOf(request)),
      ),
  )
}
