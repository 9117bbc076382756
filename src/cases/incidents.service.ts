import type { Transaction } from 'kysely'
import { SEVERITIES } from '../alerts/alert-metadata.js'
import type { Actor, RequestOrigin } from '../auth/actor.js'
import { appendAudit } from '../auth/audit.js'
import { ConflictError, NotFoundError, UserError } from '../core/errors.js'
import type {
  AlertEntities,
  AlertRow,
  Database,
  IncidentPhase,
  IncidentRow,
  TemplateTask,
} from '../store/schema.js'
import { INCIDENT_PHASES } from '../store/schema.js'
import type { Store } from '../store/store.js'
import type { CustomFields } from './custom-fields.js'
import { assertRequiredFieldsForClose, createTemplateTasks } from './templates.service.js'
import { writeTimeline } from './timeline-writer.js'

export const TLP_LEVELS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const
export const OBSERVABLE_TYPES = [
  'ip',
  'domain',
  'url',
  'hash',
  'email',
  'user',
  'host',
  'file',
  'registry',
] as const

export interface NewIncident {
  title: string
  description?: string | undefined
  severity?: string | undefined
  tlp?: string | undefined
  pap?: string | undefined
  tags?: string[] | undefined
  owner?: string | undefined
  alertIds?: number[] | undefined
  /** Set by TemplatesService.prepare: the template's tasks are created with the incident. */
  template?: { name: string; tasks: TemplateTask[] } | undefined
  /** Already validated against the template's field definitions. */
  customFields?: CustomFields | undefined
}

/** Entity kinds of alerts → observable types. */
const ENTITY_TYPES: Record<keyof AlertEntities, string> = {
  hosts: 'host',
  users: 'user',
  ips: 'ip',
  processes: 'file',
  hashes: 'hash',
  domains: 'domain',
  urls: 'url',
  files: 'file',
}

type Trx = Transaction<Database>
type AttachableAlert = Pick<
  AlertRow,
  'id' | 'incident_id' | 'first_seen' | 'rule_title' | 'severity' | 'event_count' | 'entities'
>

/**
 * Incidents through the NIST phases: they gather alerts (whose entities become observables),
 * keep a timeline of what happened and when it was recorded, and carry tasks and follow-ups.
 * Every change is audited and written to the timeline in the same transaction.
 */
export class IncidentsService {
  constructor(private readonly store: Store) {}

  async create(input: NewIncident, actor: Actor, origin: RequestOrigin): Promise<IncidentRow> {
    return this.store.transaction(async (trx) => {
      const now = new Date()
      const alerts = input.alertIds?.length ? await this.#loadAlerts(trx, input.alertIds) : []
      const severity = input.severity ?? highestSeverity(alerts.map((alert) => alert.severity)) ?? 'medium'
      if (!(SEVERITIES as readonly string[]).includes(severity))
        throw new UserError('invalid_severity', `severity must be one of ${SEVERITIES.join(', ')}`)
      const incident = await trx
        .insertInto('incidents')
        .values({
          title: input.title,
          description: input.description ?? null,
          severity,
          tlp: input.tlp ?? 'amber',
          pap: input.pap ?? 'amber',
          status: 'open',
          owner: input.owner ?? actor.name,
          participants: JSON.stringify([actor.name]),
          tags: JSON.stringify(input.tags ?? []),
          custom_fields: JSON.stringify(input.customFields ?? {}),
          template: input.template?.name ?? null,
          created_by: actor.name,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await writeTimeline(trx, incident.id, {
        occurredAt: now,
        kind: 'status',
        title: 'Incident opened',
        actor: actor.name,
        flagged: true,
      })
      if (input.template) await createTemplateTasks(trx, incident.id, input.template, actor)
      if (alerts.length > 0) await this.#attach(trx, incident.id, alerts, actor)
      await appendAudit(this.store, trx, actor, origin, {
        action: 'incident.create',
        targetType: 'incident',
        targetId: incident.id,
        details: { alertIds: input.alertIds ?? [] },
      })
      return this.#get(trx, incident.id)
    })
  }

  async get(id: number): Promise<IncidentRow> {
    const row = await this.store.db
      .selectFrom('incidents')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFoundError('incident', id)
    return row
  }

  async list(filter: {
    status?: IncidentPhase[] | undefined
    limit: number
    before?: number | undefined
  }): Promise<IncidentRow[]> {
    let query = this.store.db
      .selectFrom('incidents')
      .selectAll()
      .where('merged_into', 'is', null)
      .orderBy('id', 'desc')
      .limit(filter.limit)
    if (filter.status?.length) query = query.where('status', 'in', filter.status)
    if (filter.before !== undefined) query = query.where('id', '<', filter.before)
    return query.execute()
  }

  async attachAlerts(
    id: number,
    alertIds: number[],
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<IncidentRow> {
    return this.store.transaction(async (trx) => {
      await this.#get(trx, id)
      await this.#attach(trx, id, await this.#loadAlerts(trx, alertIds), actor)
      await appendAudit(this.store, trx, actor, origin, {
        action: 'incident.attach_alerts',
        targetType: 'incident',
        targetId: id,
        details: { alertIds },
      })
      return this.#get(trx, id)
    })
  }

  async detachAlert(id: number, alertId: number, actor: Actor, origin: RequestOrigin): Promise<IncidentRow> {
    return this.store.transaction(async (trx) => {
      const updated = await trx
        .updateTable('alerts')
        .set({ incident_id: null, updated_at: new Date() })
        .where('id', '=', alertId)
        .where('incident_id', '=', id)
        .executeTakeFirst()
      if (Number(updated.numUpdatedRows) === 0) throw new NotFoundError(`alert in incident ${id}`, alertId)
      await writeTimeline(trx, id, {
        occurredAt: new Date(),
        kind: 'alert',
        title: `Alert ${alertId} detached`,
        actor: actor.name,
        refType: 'alert',
        refId: String(alertId),
      })
      await appendAudit(this.store, trx, actor, origin, {
        action: 'incident.detach_alert',
        targetType: 'incident',
        targetId: id,
        details: { alertId },
      })
      return this.#touch(trx, id)
    })
  }

  /** Moves through the phases. Closing needs a resolution; each first entry into a phase stamps its time. */
  async setStatus(
    id: number,
    change: {
      status: IncidentPhase
      comment?: string | undefined
      resolution?: string | undefined
      impact?: string | undefined
    },
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<IncidentRow> {
    if (change.status === 'closed' && !change.resolution) {
      throw new UserError('resolution_required', 'closing an incident needs a resolution', {
        details: [{ path: 'resolution', message: 'required when closing' }],
      })
    }
    return this.store.transaction(async (trx) => {
      const before = await this.#get(trx, id)
      if (before.merged_into !== null)
        throw new ConflictError(`incident ${id} was merged into ${before.merged_into}`)
      if (before.status === change.status) return before
      if (change.status === 'closed') await assertRequiredFieldsForClose(trx, before)
      const now = new Date()
      const rank = INCIDENT_PHASES.indexOf(change.status)
      const set: Partial<Record<keyof IncidentRow, unknown>> = { status: change.status, updated_at: now }
      if (rank >= INCIDENT_PHASES.indexOf('eradication') && !before.contained_at) set.contained_at = now
      if (rank >= INCIDENT_PHASES.indexOf('post_incident') && !before.resolved_at) set.resolved_at = now
      if (change.status === 'closed') {
        set.closed_at = now
        set.resolution = change.resolution
      }
      if (before.status === 'closed') set.closed_at = null
      if (change.impact !== undefined) set.impact = change.impact
      await trx
        .updateTable('incidents')
        .set(set as never)
        .where('id', '=', id)
        .execute()
      await writeTimeline(trx, id, {
        occurredAt: now,
        kind: 'status',
        title: `Phase ${before.status} → ${change.status}`,
        body: change.comment ?? null,
        actor: actor.name,
        flagged: change.status === 'containment' || change.status === 'closed',
      })
      await appendAudit(this.store, trx, actor, origin, {
        action: 'incident.status',
        targetType: 'incident',
        targetId: id,
        details: {
          before: { status: before.status },
          after: { status: change.status },
          resolution: change.resolution ?? null,
        },
      })
      return this.#get(trx, id)
    })
  }

  /** Folds `sourceId` into `targetId`: its alerts, tasks, observables, notes and timeline move over. */
  async merge(targetId: number, sourceId: number, actor: Actor, origin: RequestOrigin): Promise<IncidentRow> {
    if (targetId === sourceId)
      throw new UserError('invalid_merge', 'an incident cannot be merged into itself')
    return this.store.transaction(async (trx) => {
      await this.#get(trx, targetId)
      const source = await this.#get(trx, sourceId)
      if (source.merged_into !== null) throw new ConflictError(`incident ${sourceId} was already merged`)
      await trx
        .updateTable('alerts')
        .set({ incident_id: targetId })
        .where('incident_id', '=', sourceId)
        .execute()
      await trx
        .updateTable('incident_tasks')
        .set({ incident_id: targetId })
        .where('incident_id', '=', sourceId)
        .execute()
      await trx
        .updateTable('incident_notes')
        .set({ incident_id: targetId })
        .where('incident_id', '=', sourceId)
        .execute()
      await trx
        .updateTable('incident_timeline')
        .set({ incident_id: targetId })
        .where('incident_id', '=', sourceId)
        .execute()
      for (const table of ['incident_evidence', 'evidence_custody'] as const)
        await trx
          .updateTable(table)
          .set({ incident_id: targetId })
          .where('incident_id', '=', sourceId)
          .execute()
      const observables = await trx
        .selectFrom('incident_observables')
        .selectAll()
        .where('incident_id', '=', sourceId)
        .execute()
      for (const observable of observables) {
        await trx
          .insertInto('incident_observables')
          .values({
            incident_id: targetId,
            type: observable.type,
            value: observable.value,
            ioc: observable.ioc,
            tlp: observable.tlp,
            origin: observable.origin,
            created_at: observable.created_at,
          })
          .onConflict((conflict) => conflict.columns(['incident_id', 'type', 'value']).doNothing())
          .execute()
      }
      await trx.deleteFrom('incident_observables').where('incident_id', '=', sourceId).execute()
      const now = new Date()
      await trx
        .updateTable('incidents')
        .set({
          merged_into: targetId,
          status: 'closed',
          resolution: 'duplicate',
          closed_at: now,
          updated_at: now,
        })
        .where('id', '=', sourceId)
        .execute()
      await writeTimeline(trx, targetId, {
        occurredAt: now,
        kind: 'status',
        title: `Incident ${sourceId} merged in`,
        actor: actor.name,
        refType: 'incident',
        refId: String(sourceId),
      })
      await this.#touch(trx, targetId)
      await appendAudit(this.store, trx, actor, origin, {
        action: 'incident.merge',
        targetType: 'incident',
        targetId,
        details: { merged: sourceId },
      })
      return this.#get(trx, targetId)
    })
  }

  async #attach(trx: Trx, id: number, alerts: AttachableAlert[], actor: Actor): Promise<void> {
    const now = new Date()
    for (const alert of alerts) {
      if (alert.incident_id !== null && alert.incident_id !== id)
        throw new ConflictError(`alert ${alert.id} already belongs to incident ${alert.incident_id}`)
      await trx
        .updateTable('alerts')
        .set({ incident_id: id, updated_at: now })
        .where('id', '=', alert.id)
        .execute()
      await writeTimeline(trx, id, {
        occurredAt: alert.first_seen,
        kind: 'alert',
        title: `Alert ${alert.id}: ${alert.rule_title} (${alert.severity}, ${Number(alert.event_count)} events)`,
        actor: actor.name,
        refType: 'alert',
        refId: String(alert.id),
      })
      for (const [kind, type] of Object.entries(ENTITY_TYPES) as [keyof AlertEntities, string][]) {
        for (const value of alert.entities[kind] ?? []) {
          await trx
            .insertInto('incident_observables')
            .values({
              incident_id: id,
              type,
              value,
              tlp: 'amber',
              origin: `alert ${alert.id}`,
              created_at: now,
            })
            .onConflict((conflict) => conflict.columns(['incident_id', 'type', 'value']).doNothing())
            .execute()
        }
      }
    }
    await this.#touch(trx, id)
  }

  async #loadAlerts(trx: Trx, ids: number[]): Promise<AttachableAlert[]> {
    const rows = await trx
      .selectFrom('alerts')
      .select(['id', 'incident_id', 'first_seen', 'rule_title', 'severity', 'event_count', 'entities'])
      .where('id', 'in', ids)
      .execute()
    const missing = ids.filter((id) => !rows.some((row) => row.id === id))
    if (missing.length > 0) throw new NotFoundError('alert', missing.join(', '))
    return rows
  }

  async #get(trx: Trx, id: number): Promise<IncidentRow> {
    const row = await trx.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) throw new NotFoundError('incident', id)
    return row
  }

  async #touch(trx: Trx, id: number): Promise<IncidentRow> {
    await trx.updateTable('incidents').set({ updated_at: new Date() }).where('id', '=', id).execute()
    return this.#get(trx, id)
  }
}

function highestSeverity(severities: string[]): string | undefined {
  let best = -1
  for (const severity of severities)
    best = Math.max(best, (SEVERITIES as readonly string[]).indexOf(severity))
  return best >= 0 ? SEVERITIES[best] : undefined
}
