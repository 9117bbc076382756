import { z } from 'zod'
import { SEVERITIES } from '../alerts/alert-metadata.js'
import { originOf, requireActor } from '../server/auth-hooks.js'
import type { App, AppContext } from '../server/context.js'
import type { IncidentTemplateRow } from '../store/schema.js'

const nameParam = z.object({ name: z.string().min(1).max(64) })
const TEMPLATE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/

const fieldSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'lowercase letters, digits and _, starting with a letter'),
  label: z.string().min(1).max(200),
  type: z.enum(['string', 'number', 'boolean', 'date', 'enum']),
  options: z.array(z.string().min(1).max(200)).max(100).optional(),
  required: z.boolean().default(false),
})

const definitionBody = z.object({
  title: z.string().min(1).max(300),
  description: z.string().max(20_000).nullable().default(null),
  severity: z.enum(SEVERITIES).default('medium'),
  tags: z.array(z.string().min(1).max(100)).max(50).default([]),
  tasks: z
    .array(
      z.object({ title: z.string().min(1).max(500), kind: z.enum(['task', 'follow_up']).default('task') }),
    )
    .max(100)
    .default([]),
  fields: z.array(fieldSchema).max(100).default([]),
})

const templateSchema = definitionBody.extend({
  id: z.number(),
  name: z.string(),
  builtIn: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
})

function toPublicTemplate(row: IncidentTemplateRow): z.infer<typeof templateSchema> {
  return {
    id: row.id,
    name: row.name,
    title: row.title,
    description: row.description,
    severity: row.severity as (typeof SEVERITIES)[number],
    tags: row.tags,
    tasks: row.tasks,
    fields: row.fields,
    builtIn: row.built_in,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

export async function templatesRoutes(app: App, { services }: AppContext): Promise<void> {
  const { templates } = services

  app.get(
    '/api/v1/incident-templates',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['incidents'],
        summary: 'Incident templates per incident type: defaults, tasks, custom field definitions',
        response: { 200: z.object({ items: z.array(templateSchema) }) },
      },
    },
    async () => ({ items: (await templates.list()).map(toPublicTemplate) }),
  )

  app.get(
    '/api/v1/incident-templates/:name',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['incidents'],
        summary: 'One incident template',
        params: nameParam,
        response: { 200: templateSchema },
      },
    },
    async (request) => toPublicTemplate(await templates.get(request.params.name)),
  )

  app.post(
    '/api/v1/incident-templates',
    {
      config: { access: 'engineer' },
      schema: {
        tags: ['incidents'],
        summary: 'Add a template for an incident type',
        body: definitionBody.extend({
          name: z.string().regex(TEMPLATE_NAME, 'lowercase letters, digits, _ and -'),
        }),
        response: { 201: templateSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          toPublicTemplate(await templates.create(request.body, requireActor(request), originOf(request))),
        ),
  )

  app.put(
    '/api/v1/incident-templates/:name',
    {
      config: { access: 'engineer' },
      schema: {
        tags: ['incidents'],
        summary: 'Replace a template (incidents opened from it are validated against the new fields)',
        params: nameParam,
        body: definitionBody,
        response: { 200: templateSchema },
      },
    },
    async (request) =>
      toPublicTemplate(
        await templates.update(request.params.name, request.body, requireActor(request), originOf(request)),
      ),
  )

  app.delete(
    '/api/v1/incident-templates/:name',
    {
      config: { access: 'engineer' },
      schema: {
        tags: ['incidents'],
        summary: 'Delete a template (incidents opened from it keep their fields, no longer validated)',
        params: nameParam,
      },
    },
    async (request, reply) => {
      await templates.remove(request.params.name, requireActor(request), originOf(request))
      return reply.status(204).send()
    },
  )
}
