import { z } from 'zod'
import { SEVERITIES } from '../alerts/alert-metadata.js'
import {
  type IncidentClock,
  readIncidentClock,
  readIncidentClocks,
  responseDurations,
} from '../metrics/incident-clock.js'
import { incidentClockShape, responseDurationsShape } from '../metrics/incident-clock.schema.js'
import { originOf, requireActor } from '../server/auth-hooks.js'
import type { App, AppContext } from '../server/context.js'
import { INCIDENT_PHASES, type IncidentRow, type IncidentTaskRow, type TimelineRow } from '../store/schema.js'
import { OBSERVABLE_TYPES, TLP_LEVELS } from './incidents.service.js'

const idParam = z.object({ id: z.coerce.number().int().positive() })
/** Values are checked against the template's field definitions by the service. */
const customFieldsBody = z
  .record(z.string().max(64), z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]))
  .refine((fields) => Object.keys(fields).length <= 100, 'at most 100 fields')
const phase = z.enum(INCIDENT_PHASES)
const iso = (date: Date | null) => date?.toISOString() ?? null

export function toPublicIncident(row: IncidentRow, clock: IncidentClock) {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    severity: row.severity,
    tlp: row.tlp,
    pap: row.pap,
    status: row.status,
    resolution: row.resolution,
    impact: row.impact,
    owner: row.owner,
    participants: row.participants,
    tags: row.tags,
    customFields: row.custom_fields,
    template: row.template,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    firstEventAt: iso(clock.firstEventAt),
    detectedAt: clock.detectedAt.toISOString(),
    acknowledgedAt: clock.acknowledgedAt.toISOString(),
    containedAt: iso(row.contained_at),
    resolvedAt: iso(row.resolved_at),
    closedAt: iso(row.closed_at),
    mergedInto: row.merged_into,
    durations: responseDurations(clock),
  }
}

const incidentSchema = z.object({
  id: z.number(),
  title: z.string(),
  description: z.string().nullable(),
  severity: z.string(),
  tlp: z.string(),
  pap: z.string(),
  status: z.string(),
  resolution: z.string().nullable(),
  impact: z.string().nullable(),
  owner: z.string().nullable(),
  participants: z.array(z.string()),
  tags: z.array(z.string()),
  customFields: z.record(z.string(), z.unknown()),
  template: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  ...incidentClockShape,
  containedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  mergedInto: z.number().nullable(),
  durations: z.object(responseDurationsShape),
})

const timelineSchema = z.object({
  id: z.number(),
  occurredAt: z.string(),
  recordedAt: z.string(),
  kind: z.string(),
  title: z.string(),
  body: z.string().nullable(),
  actor: z.string(),
  flagged: z.boolean(),
  refType: z.string().nullable(),
  refId: z.string().nullable(),
})
const toTimeline = (row: TimelineRow) => ({
  id: row.id,
  occurredAt: row.occurred_at.toISOString(),
  recordedAt: row.recorded_at.toISOString(),
  kind: row.kind,
  title: row.title,
  body: row.body,
  actor: row.actor,
  flagged: row.flagged,
  refType: row.ref_type,
  refId: row.ref_id,
})
const taskSchema = z.object({
  id: z.number(),
  incidentId: z.number(),
  kind: z.string(),
  title: z.string(),
  owner: z.string().nullable(),
  dueAt: z.string().nullable(),
  status: z.string(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
})
const toTask = (row: IncidentTaskRow) => ({
  id: row.id,
  incidentId: row.incident_id,
  kind: row.kind,
  title: row.title,
  owner: row.owner,
  dueAt: iso(row.due_at),
  status: row.status,
  createdAt: row.created_at.toISOString(),
  completedAt: iso(row.completed_at),
})

export async function incidentsRoutes(app: App, { services }: AppContext): Promise<void> {
  const { incidents, caseItems } = services
  const db = services.store.db
  const present = async (row: IncidentRow) => toPublicIncident(row, await readIncidentClock(db, row))

  app.get(
    '/api/v1/incidents',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['incidents'],
        summary: 'Incidents, newest first',
        querystring: z.object({
          status: z
            .string()
            .max(200)
            .optional()
            .transform((text) => text?.split(',').filter(Boolean))
            .pipe(z.array(phase).optional()),
          before: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: { 200: z.object({ items: z.array(incidentSchema) }) },
      },
    },
    async (request) => ({
      items: (await readIncidentClocks(db, await incidents.list(request.query))).map(({ incident, clock }) =>
        toPublicIncident(incident, clock),
      ),
    }),
  )

  app.post(
    '/api/v1/incidents',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['incidents'],
        summary: 'Open an incident, from alerts or from scratch',
        body: z.object({
          title: z.string().min(1).max(300),
          description: z.string().max(20_000).optional(),
          severity: z.enum(SEVERITIES).optional(),
          tlp: z.enum(TLP_LEVELS).optional(),
          pap: z.enum(TLP_LEVELS).optional(),
          tags: z.array(z.string().max(100)).max(50).optional(),
          owner: z.string().max(64).optional(),
          alertIds: z.array(z.number().int().positive()).max(1_000).optional(),
          /** An incident type (see /api/v1/incident-templates): pre-fills tasks, fields and defaults. */
          template: z.string().min(1).max(64).optional(),
          customFields: customFieldsBody.optional(),
        }),
        response: { 201: incidentSchema },
      },
    },
    async (request, reply) => {
      const prepared = await services.templates.prepare(request.body)
      const incident = await incidents.create(prepared, requireActor(request), originOf(request))
      return reply.status(201).send(await present(incident))
    },
  )

  app.patch(
    '/api/v1/incidents/:id',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['incidents'],
        summary:
          'Edit title, description, severity, TLP/PAP, tags, owner and custom fields (null removes one)',
        params: idParam,
        body: z.object({
          title: z.string().min(1).max(300).optional(),
          description: z.string().max(20_000).nullable().optional(),
          severity: z.enum(SEVERITIES).optional(),
          tlp: z.enum(TLP_LEVELS).optional(),
          pap: z.enum(TLP_LEVELS).optional(),
          tags: z.array(z.string().max(100)).max(50).optional(),
          owner: z.string().max(64).nullable().optional(),
          customFields: customFieldsBody.optional(),
        }),
        response: { 200: incidentSchema },
      },
    },
    async (request) =>
      present(
        await services.incidentUpdate.update(
          request.params.id,
          request.body,
          requireActor(request),
          originOf(request),
        ),
      ),
  )

  app.get(
    '/api/v1/incidents/:id',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['incidents'],
        summary: 'One incident',
        params: idParam,
        response: { 200: incidentSchema },
      },
    },
    async (request) => present(await incidents.get(request.params.id)),
  )

  app.post(
    '/api/v1/incidents/:id/status',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['incidents'],
        summary: 'Move to a NIST phase (closing needs a resolution)',
        params: idParam,
        body: z.object({
          status: phase,
          comment: z.string().max(10_000).optional(),
          resolution: z.string().max(100).optional(),
          impact: z.string().max(10_000).optional(),
        }),
        response: { 200: incidentSchema },
      },
    },
    async (request) =>
      present(
        await incidents.setStatus(request.params.id, request.body, requireActor(request), originOf(request)),
      ),
  )

  app.post(
    '/api/v1/incidents/:id/alerts',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['incidents'],
        summary: 'Attach alerts (their entities become observables)',
        params: idParam,
        body: z.object({ alertIds: z.array(z.number().int().positive()).min(1).max(1_000) }),
        response: { 200: incidentSchema },
      },
    },
    async (request) =>
      present(
        await incidents.attachAlerts(
          request.params.id,
          request.body.alertIds,
          requireActor(request),
          originOf(request),
        ),
      ),
  )

  app.delete(
    '/api/v1/incidents/:id/alerts/:alertId',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['incidents'],
        summary: 'Detach an alert',
        params: idParam.extend({ alertId: z.coerce.number().int().positive() }),
        response: { 200: incidentSchema },
      },
    },
    async (request) =>
      present(
        await incidents.detachAlert(
          request.params.id,
          request.params.alertId,
          requireActor(request),
          originOf(request),
        ),
      ),
  )

  app.post(
    '/api/v1/incidents/:id/merge',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['incidents'],
        summary: 'Merge another incident into this one',
        params: idParam,
        body: z.object({ incidentId: z.number().int().positive() }),
        response: { 200: incidentSchema },
      },
    },
    async (request) =>
      present(
        await incidents.merge(
          request.params.id,
          request.body.incidentId,
          requireActor(request),
          originOf(request),
        ),
      ),
  )

  app.get(
    '/api/v1/incidents/:id/timeline',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['incidents'],
        summary: 'The timeline in the order things happened; filter key events, kind, text',
        params: idParam,
        querystring: z.object({
          flagged: z.enum(['true', 'false']).optional(),
          kind: z.string().max(40).optional(),
          q: z.string().max(200).optional(),
        }),
        response: { 200: z.object({ items: z.array(timelineSchema) }) },
      },
    },
    async (request) => ({
      items: (
        await caseItems.timeline(request.params.id, {
          flaggedOnly: request.query.flagged === 'true',
          kind: request.query.kind,
          q: request.query.q,
        })
      ).map(toTimeline),
    }),
  )

  app.post(
    '/api/v1/incidents/:id/timeline',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['incidents'],
        summary: 'Add what happened and when (ISO time with its offset)',
        params: idParam,
        body: z.object({
          occurredAt: z.iso.datetime({ offset: true }),
          title: z.string().min(1).max(500),
          body: z.string().max(20_000).optional(),
          flagged: z.boolean().optional(),
        }),
        response: { 201: timelineSchema },
      },
    },
    async (request, reply) => {
      const row = await caseItems.addTimelineEntry(
        request.params.id,
        { ...request.body, occurredAt: new Date(request.body.occurredAt) },
        requireActor(request),
        originOf(request),
      )
      return reply.status(201).send(toTimeline(row))
    },
  )

  app.post(
    '/api/v1/incidents/:id/timeline/:entryId/flag',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['incidents'],
        summary: 'Mark or unmark a key event',
        params: idParam.extend({ entryId: z.coerce.number().int().positive() }),
        body: z.object({ flagged: z.boolean() }),
        response: { 200: timelineSchema },
      },
    },
    async (request) =>
      toTimeline(
        await caseItems.flagTimelineEntry(
          request.params.id,
          request.params.entryId,
          request.body.flagged,
          requireActor(request),
          originOf(request),
        ),
      ),
  )

  app.get(
    '/api/v1/incidents/:id/tasks',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['incidents'],
        summary: 'Tasks and follow-ups',
        params: idParam,
        response: { 200: z.object({ items: z.array(taskSchema) }) },
      },
    },
    async (request) => ({ items: (await caseItems.tasks(request.params.id)).map(toTask) }),
  )

  app.post(
    '/api/v1/incidents/:id/tasks',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['incidents'],
        summary: 'Add a task, or a follow-up that stays open after the incident closes',
        params: idParam,
        body: z.object({
          kind: z.enum(['task', 'follow_up']).default('task'),
          title: z.string().min(1).max(500),
          owner: z.string().max(64).optional(),
          dueAt: z.coerce.date().optional(),
        }),
        response: { 201: taskSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          toTask(
            await caseItems.addTask(
              request.params.id,
              request.body,
              requireActor(request),
              originOf(request),
            ),
          ),
        ),
  )

  app.patch(
    '/api/v1/incidents/:id/tasks/:taskId',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['incidents'],
        summary: 'Change a task’s status, owner or due date',
        params: idParam.extend({ taskId: z.coerce.number().int().positive() }),
        body: z.object({
          status: z.enum(['open', 'in_progress', 'done', 'cancelled']).optional(),
          owner: z.string().max(64).nullable().optional(),
          dueAt: z.coerce.date().nullable().optional(),
        }),
        response: { 200: taskSchema },
      },
    },
    async (request) =>
      toTask(
        await caseItems.updateTask(
          request.params.id,
          request.params.taskId,
          request.body,
          requireActor(request),
          originOf(request),
        ),
      ),
  )

  app.get(
    '/api/v1/follow-ups',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['incidents'],
        summary: 'Open follow-up action items across incidents, by due date',
        response: { 200: z.object({ items: z.array(taskSchema) }) },
      },
    },
    async () => ({ items: (await caseItems.openFollowUps()).map(toTask) }),
  )

  app.get(
    '/api/v1/incidents/:id/observables',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['incidents'],
        summary: 'Observables with their sightings in stored events and other incidents',
        params: idParam,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.number(),
                type: z.string(),
                value: z.string(),
                ioc: z.boolean(),
                tlp: z.string(),
                origin: z.string(),
                eventSightings: z.number(),
                otherIncidents: z.array(z.number()),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({
      items: (await caseItems.observables(request.params.id)).map((row) => ({
        id: row.id,
        type: row.type,
        value: row.value,
        ioc: row.ioc,
        tlp: row.tlp,
        origin: row.origin,
        eventSightings: row.eventSightings,
        otherIncidents: row.otherIncidents,
      })),
    }),
  )

  app.post(
    '/api/v1/incidents/:id/observables',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['incidents'],
        summary: 'Add an observable (IOC flag and TLP)',
        params: idParam,
        body: z.object({
          type: z.enum(OBSERVABLE_TYPES),
          value: z.string().min(1).max(2_000),
          ioc: z.boolean().optional(),
          tlp: z.enum(TLP_LEVELS).optional(),
        }),
        response: {
          201: z.object({
            id: z.number(),
            type: z.string(),
            value: z.string(),
            ioc: z.boolean(),
            tlp: z.string(),
          }),
        },
      },
    },
    async (request, reply) => {
      const row = await caseItems.addObservable(
        request.params.id,
        request.body,
        requireActor(request),
        originOf(request),
      )
      return reply
        .status(201)
        .send({ id: row.id, type: row.type, value: row.value, ioc: row.ioc, tlp: row.tlp })
    },
  )

  const noteSchema = z.object({
    id: z.number(),
    body: z.string(),
    author: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    mentions: z.array(z.string()),
    revisions: z.number(),
  })
  const toNote = (row: Awaited<ReturnType<typeof caseItems.addNote>>) => ({
    id: row.id,
    body: row.body,
    author: row.author,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    mentions: row.mentions,
    revisions: row.revisions.length,
  })

  app.get(
    '/api/v1/incidents/:id/notes',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['incidents'],
        summary: 'Markdown notes (rendered sanitised by the console)',
        params: idParam,
        response: { 200: z.object({ items: z.array(noteSchema) }) },
      },
    },
    async (request) => ({ items: (await caseItems.notes(request.params.id)).map(toNote) }),
  )

  app.post(
    '/api/v1/incidents/:id/notes',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['incidents'],
        summary: 'Add a Markdown note; @username mentions are recorded',
        params: idParam,
        body: z.object({ body: z.string().min(1).max(100_000) }),
        response: { 201: noteSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          toNote(
            await caseItems.addNote(
              request.params.id,
              request.body.body,
              requireActor(request),
              originOf(request),
            ),
          ),
        ),
  )

  app.patch(
    '/api/v1/incidents/:id/notes/:noteId',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['incidents'],
        summary: 'Edit a note (earlier versions are kept)',
        params: idParam.extend({ noteId: z.coerce.number().int().positive() }),
        body: z.object({ body: z.string().min(1).max(100_000) }),
        response: { 200: noteSchema },
      },
    },
    async (request) =>
      toNote(
        await caseItems.editNote(
          request.params.id,
          request.params.noteId,
          request.body.body,
          requireActor(request),
          originOf(request),
        ),
      ),
  )
}
