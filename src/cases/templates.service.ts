import type { Transaction } from 'kysely'
import type { Actor, RequestOrigin } from '../auth/actor.js'
import { appendAudit } from '../auth/audit.js'
import { ConflictError, NotFoundError, UserError } from '../core/errors.js'
import type { CustomFieldDefinition, Database, IncidentRow, IncidentTemplateRow } from '../store/schema.js'
import type { Store } from '../store/store.js'
import { applyCustomFields, type CustomFields, missingRequiredFields } from './custom-fields.js'
import type { NewIncident } from './incidents.service.js'
import type { TemplateDefinition } from './templates.builtin.js'
import { writeTimeline } from './timeline-writer.js'

type Trx = Transaction<Database>

export async function fieldDefinitions(
  db: Trx | Store['db'],
  templateName: string | null,
): Promise<CustomFieldDefinition[] | undefined> {
  if (!templateName) return undefined
  const row = await db
    .selectFrom('incident_templates')
    .select('fields')
    .where('name', '=', templateName)
    .executeTakeFirst()
  return row?.fields
}

/** Called inside the closing transaction: required custom fields must hold a value first. */
export async function assertRequiredFieldsForClose(trx: Trx, incident: IncidentRow): Promise<void> {
  const missing = missingRequiredFields(
    incident.custom_fields as CustomFields,
    await fieldDefinitions(trx, incident.template),
  )
  if (missing.length > 0)
    throw new UserError(
      'custom_fields_required',
      `closing needs these fields of the ${incident.template} template: ${missing.map((field) => field.label).join(', ')}`,
      {
        details: missing.map((field) => ({
          path: `customFields.${field.name}`,
          message: 'required when closing',
        })),
      },
    )
}

/** Creates the template's tasks in the incident's opening transaction, each on the timeline. */
export async function createTemplateTasks(
  trx: Trx,
  incidentId: number,
  template: NonNullable<NewIncident['template']>,
  actor: Actor,
): Promise<void> {
  const now = new Date()
  for (const task of template.tasks) {
    const row = await trx
      .insertInto('incident_tasks')
      .values({
        incident_id: incidentId,
        kind: task.kind,
        title: task.title,
        owner: null,
        due_at: null,
        status: 'open',
        created_at: now,
        updated_at: now,
        completed_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await writeTimeline(trx, incidentId, {
      occurredAt: now,
      kind: 'task',
      title: `${task.kind === 'follow_up' ? 'Follow-up' : 'Task'} added from the ${template.name} template: ${task.title}`,
      actor: actor.name,
      refType: 'task',
      refId: String(row.id),
    })
  }
}

/** Incident templates per incident type: defaults, tasks to create, typed custom fields. */
export class TemplatesService {
  constructor(private readonly store: Store) {}

  list(): Promise<IncidentTemplateRow[]> {
    return this.store.db.selectFrom('incident_templates').selectAll().orderBy('name').execute()
  }

  async get(name: string): Promise<IncidentTemplateRow> {
    const row = await this.store.db
      .selectFrom('incident_templates')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst()
    if (!row) throw new NotFoundError('incident template', name)
    return row
  }

  /** Merges a template's defaults under what the person gave, and checks the custom fields. */
  async prepare(
    input: Omit<NewIncident, 'template' | 'customFields'> & {
      template?: string | undefined
      customFields?: Record<string, unknown> | undefined
    },
  ): Promise<NewIncident> {
    const { template: name, customFields, ...rest } = input
    if (!name) return { ...rest, customFields: applyCustomFields({}, customFields ?? {}, undefined) }
    const template = await this.get(name)
    return {
      ...rest,
      title: rest.title,
      description: rest.description ?? template.description ?? undefined,
      severity: rest.severity ?? (rest.alertIds?.length ? undefined : template.severity),
      tags: [...new Set([...template.tags, ...(rest.tags ?? [])])],
      template: { name: template.name, tasks: template.tasks },
      customFields: applyCustomFields({}, customFields ?? {}, template.fields),
    }
  }

  async create(
    definition: TemplateDefinition,
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<IncidentTemplateRow> {
    checkDefinition(definition)
    return this.store.transaction(async (trx) => {
      const taken = await trx
        .selectFrom('incident_templates')
        .select('id')
        .where('name', '=', definition.name)
        .executeTakeFirst()
      if (taken) throw new ConflictError(`an incident template named ${definition.name} exists`)
      const now = new Date()
      const row = await trx
        .insertInto('incident_templates')
        .values({ ...serialise(definition), created_at: now, updated_at: now })
        .returningAll()
        .executeTakeFirstOrThrow()
      await appendAudit(this.store, trx, actor, origin, {
        action: 'incident_template.create',
        targetType: 'incident_template',
        targetId: row.name,
        details: { after: definition },
      })
      return row
    })
  }

  async update(
    name: string,
    definition: Omit<TemplateDefinition, 'name'>,
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<IncidentTemplateRow> {
    checkDefinition({ ...definition, name })
    return this.store.transaction(async (trx) => {
      const before = await trx
        .selectFrom('incident_templates')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst()
      if (!before) throw new NotFoundError('incident template', name)
      const row = await trx
        .updateTable('incident_templates')
        .set({ ...serialise({ ...definition, name }), updated_at: new Date() })
        .where('id', '=', before.id)
        .returningAll()
        .executeTakeFirstOrThrow()
      await appendAudit(this.store, trx, actor, origin, {
        action: 'incident_template.update',
        targetType: 'incident_template',
        targetId: name,
        details: {
          before: {
            severity: before.severity,
            tags: before.tags,
            tasks: before.tasks,
            fields: before.fields,
          },
          after: { severity: row.severity, tags: row.tags, tasks: row.tasks, fields: row.fields },
        },
      })
      return row
    })
  }

  async remove(name: string, actor: Actor, origin: RequestOrigin): Promise<void> {
    await this.store.transaction(async (trx) => {
      const deleted = await trx.deleteFrom('incident_templates').where('name', '=', name).executeTakeFirst()
      if (Number(deleted.numDeletedRows) === 0) throw new NotFoundError('incident template', name)
      await appendAudit(this.store, trx, actor, origin, {
        action: 'incident_template.delete',
        targetType: 'incident_template',
        targetId: name,
      })
    })
  }
}

function serialise(definition: TemplateDefinition) {
  return {
    name: definition.name,
    title: definition.title,
    description: definition.description,
    severity: definition.severity,
    tags: JSON.stringify(definition.tags),
    tasks: JSON.stringify(definition.tasks),
    fields: JSON.stringify(definition.fields),
  }
}

/** What zod cannot say about one field alone: unique names, options only (and always) on enums. */
function checkDefinition(definition: TemplateDefinition): void {
  const problems: { path: string; message: string }[] = []
  const seen = new Set<string>()
  definition.fields.forEach((field, index) => {
    const path = `fields.${index}`
    if (seen.has(field.name)) problems.push({ path, message: `field ${field.name} is defined twice` })
    seen.add(field.name)
    if (field.type === 'enum' && !field.options?.length)
      problems.push({ path, message: 'an enum field needs options' })
    if (field.type !== 'enum' && field.options?.length)
      problems.push({ path, message: 'only enum fields have options' })
    if (field.options && new Set(field.options).size !== field.options.length)
      problems.push({ path, message: 'options must be distinct' })
  })
  if (problems.length > 0)
    throw new UserError(
      'invalid_template',
      `invalid template: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      { details: problems },
    )
}
