import type { Updateable } from 'kysely'
import type { Actor, RequestOrigin } from '../auth/actor.js'
import { appendAudit } from '../auth/audit.js'
import { ConflictError, NotFoundError } from '../core/errors.js'
import type { IncidentRow, IncidentsTable } from '../store/schema.js'
import type { Store } from '../store/store.js'
import { applyCustomFields, type CustomFields, describeFieldChanges } from './custom-fields.js'
import { fieldDefinitions } from './templates.service.js'
import { writeTimeline } from './timeline-writer.js'

export interface IncidentChanges {
  title?: string | undefined
  description?: string | null | undefined
  severity?: string | undefined
  tlp?: string | undefined
  pap?: string | undefined
  tags?: string[] | undefined
  owner?: string | null | undefined
  /** Fields to set; null removes one. Checked against the template's definitions. */
  customFields?: Record<string, unknown> | undefined
}

const PLAIN_FIELDS = ['title', 'description', 'severity', 'tlp', 'pap', 'owner'] as const

/**
 * Edits an incident's descriptive fields and custom fields (phase changes go through setStatus).
 * What changed, before and after, goes on the timeline and into the audit log together.
 */
export class IncidentUpdateService {
  constructor(private readonly store: Store) {}

  async update(
    id: number,
    changes: IncidentChanges,
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<IncidentRow> {
    return this.store.transaction(async (trx) => {
      const before = await trx.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst()
      if (!before) throw new NotFoundError('incident', id)
      if (before.merged_into !== null)
        throw new ConflictError(`incident ${id} was merged into ${before.merged_into}`)
      const set: Updateable<IncidentsTable> = {}
      const lines: string[] = []
      const auditBefore: Record<string, unknown> = {}
      const auditAfter: Record<string, unknown> = {}
      for (const field of PLAIN_FIELDS) {
        const value = changes[field]
        if (value === undefined || value === before[field]) continue
        Object.assign(set, { [field]: value })
        auditBefore[field] = before[field]
        auditAfter[field] = value
        lines.push(
          field === 'description'
            ? 'description edited'
            : `${field}: ${before[field] ?? '∅'} → ${value ?? '∅'}`,
        )
      }
      if (changes.tags && JSON.stringify(changes.tags) !== JSON.stringify(before.tags)) {
        set.tags = JSON.stringify(changes.tags)
        auditBefore.tags = before.tags
        auditAfter.tags = changes.tags
        lines.push(`tags: ${before.tags.join(', ') || '∅'} → ${changes.tags.join(', ') || '∅'}`)
      }
      if (changes.customFields) {
        const current = before.custom_fields as CustomFields
        const next = applyCustomFields(
          current,
          changes.customFields,
          await fieldDefinitions(trx, before.template),
        )
        const described = describeFieldChanges(current, next)
        if (described.length > 0) {
          set.custom_fields = JSON.stringify(next)
          auditBefore.customFields = current
          auditAfter.customFields = next
          lines.push(...described.map((line) => `field ${line}`))
        }
      }
      if (lines.length === 0) return before
      const now = new Date()
      await trx
        .updateTable('incidents')
        .set({ ...set, updated_at: now })
        .where('id', '=', id)
        .execute()
      await writeTimeline(trx, id, {
        occurredAt: now,
        kind: 'update',
        title: lines.length === 1 ? `Changed ${lines[0]}` : `Changed ${lines.length} fields`,
        body: lines.join('\n'),
        actor: actor.name,
      })
      await appendAudit(this.store, trx, actor, origin, {
        action: 'incident.update',
        targetType: 'incident',
        targetId: id,
        details: { before: auditBefore, after: auditAfter },
      })
      return trx.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    })
  }
}
