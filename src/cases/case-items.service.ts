import { sql } from 'kysely'
import type { Actor, RequestOrigin } from '../auth/actor.js'
import { appendAudit } from '../auth/audit.js'
import { NotFoundError, UserError } from '../core/errors.js'
import type { IncidentTaskRow, TimelineRow } from '../store/schema.js'
import type { Store } from '../store/store.js'
import { writeTimeline } from './timeline-writer.js'

export interface TimelineFilter {
  flaggedOnly?: boolean | undefined
  kind?: string | undefined
  q?: string | undefined
}

const MENTION = /(?:^|\s)@([a-z0-9][a-z0-9._@-]{1,63})/g

/** What an incident holds beside its alerts: timeline entries, tasks and follow-ups, observables, notes. */
export class CaseItemsService {
  constructor(private readonly store: Store) {}

  async #exists(id: number): Promise<void> {
    const row = await this.store.db
      .selectFrom('incidents')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFoundError('incident', id)
  }

  async timeline(id: number, filter: TimelineFilter): Promise<TimelineRow[]> {
    await this.#exists(id)
    let query = this.store.db
      .selectFrom('incident_timeline')
      .selectAll()
      .where('incident_id', '=', id)
      .orderBy('occurred_at')
      .orderBy('id')
    if (filter.flaggedOnly) query = query.where('flagged', '=', true)
    if (filter.kind) query = query.where('kind', '=', filter.kind)
    if (filter.q) {
      const needle = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
      query = query.where((eb) =>
        eb.or([eb(eb.fn('lower', ['title']), 'like', needle), eb(eb.fn('lower', ['body']), 'like', needle)]),
      )
    }
    return query.execute()
  }

  /** A manual entry: `occurredAt` is when it happened (any zone, stored as an instant), recorded now. */
  async addTimelineEntry(
    id: number,
    entry: { occurredAt: Date; title: string; body?: string | undefined; flagged?: boolean | undefined },
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<TimelineRow> {
    await this.#exists(id)
    if (entry.occurredAt.getTime() > Date.now() + 60_000)
      throw new UserError('future_event', 'a timeline entry cannot happen in the future', {
        details: [{ path: 'occurredAt', message: 'in the future' }],
      })
    return this.store.transaction(async (trx) => {
      const row = await writeTimeline(trx, id, {
        occurredAt: entry.occurredAt,
        kind: 'manual',
        title: entry.title,
        body: entry.body ?? null,
        actor: actor.name,
        flagged: entry.flagged ?? false,
      })
      await appendAudit(this.store, trx, actor, origin, {
        action: 'incident.timeline_add',
        targetType: 'incident',
        targetId: id,
        details: { entry: row.id },
      })
      return row
    })
  }

  async flagTimelineEntry(
    id: number,
    entryId: number,
    flagged: boolean,
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<TimelineRow> {
    return this.store.transaction(async (trx) => {
      const row = await trx
        .updateTable('incident_timeline')
        .set({ flagged })
        .where('id', '=', entryId)
        .where('incident_id', '=', id)
        .returningAll()
        .executeTakeFirst()
      if (!row) throw new NotFoundError('timeline entry', entryId)
      await appendAudit(this.store, trx, actor, origin, {
        action: 'incident.timeline_flag',
        targetType: 'incident',
        targetId: id,
        details: { entry: entryId, flagged },
      })
      return row
    })
  }

  async tasks(id: number): Promise<IncidentTaskRow[]> {
    await this.#exists(id)
    return this.store.db
      .selectFrom('incident_tasks')
      .selectAll()
      .where('incident_id', '=', id)
      .orderBy('id')
      .execute()
  }

  /** Follow-up action items across incidents that are still open, oldest due first. */
  async openFollowUps(): Promise<IncidentTaskRow[]> {
    return this.store.db
      .selectFrom('incident_tasks')
      .selectAll()
      .where('kind', '=', 'follow_up')
      .where('status', 'in', ['open', 'in_progress'])
      .orderBy(sql`due_at IS NULL`)
      .orderBy('due_at')
      .execute()
  }

  async addTask(
    id: number,
    input: {
      kind: 'task' | 'follow_up'
      title: string
      owner?: string | undefined
      dueAt?: Date | undefined
    },
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<IncidentTaskRow> {
    await this.#exists(id)
    return this.store.transaction(async (trx) => {
      const now = new Date()
      const row = await trx
        .insertInto('incident_tasks')
        .values({
          incident_id: id,
          kind: input.kind,
          title: input.title,
          owner: input.owner ?? null,
          due_at: input.dueAt ?? null,
          status: 'open',
          created_at: now,
          updated_at: now,
          completed_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await writeTimeline(trx, id, {
        occurredAt: now,
        kind: 'task',
        title: `${input.kind === 'follow_up' ? 'Follow-up' : 'Task'} added: ${input.title}`,
        actor: actor.name,
        refType: 'task',
        refId: String(row.id),
      })
      await appendAudit(this.store, trx, actor, origin, {
        action: 'incident.task_add',
        targetType: 'incident',
        targetId: id,
        details: { task: row.id, kind: input.kind },
      })
      return row
    })
  }

  async updateTask(
    id: number,
    taskId: number,
    change: {
      status?: IncidentTaskRow['status'] | undefined
      owner?: string | null | undefined
      dueAt?: Date | null | undefined
    },
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<IncidentTaskRow> {
    return this.store.transaction(async (trx) => {
      const before = await trx
        .selectFrom('incident_tasks')
        .selectAll()
        .where('id', '=', taskId)
        .where('incident_id', '=', id)
        .executeTakeFirst()
      if (!before) throw new NotFoundError('task', taskId)
      const now = new Date()
      const done = change.status === 'done' || change.status === 'cancelled'
      const row = await trx
        .updateTable('incident_tasks')
        .set({
          ...(change.status ? { status: change.status, completed_at: done ? now : null } : {}),
          ...(change.owner !== undefined ? { owner: change.owner } : {}),
          ...(change.dueAt !== undefined ? { due_at: change.dueAt } : {}),
          updated_at: now,
        })
        .where('id', '=', taskId)
        .returningAll()
        .executeTakeFirstOrThrow()
      if (change.status && change.status !== before.status) {
        await writeTimeline(trx, id, {
          occurredAt: now,
          kind: 'task',
          title: `Task "${before.title}": ${before.status} → ${change.status}`,
          actor: actor.name,
          refType: 'task',
          refId: String(taskId),
        })
      }
      await appendAudit(this.store, trx, actor, origin, {
        action: 'incident.task_update',
        targetType: 'incident',
        targetId: id,
        details: { task: taskId, before: { status: before.status }, after: change },
      })
      return row
    })
  }

  async observables(id: number) {
    await this.#exists(id)
    const rows = await this.store.db
      .selectFrom('incident_observables')
      .selectAll()
      .where('incident_id', '=', id)
      .orderBy('id')
      .execute()
    return Promise.all(
      rows.map(async (row) => ({ ...row, ...(await this.sightings(row.type, row.value, id)) })),
    )
  }

  /** Where else an observable was seen: stored events (typed columns) and other incidents. */
  async sightings(
    type: string,
    value: string,
    excludeIncident: number,
  ): Promise<{ eventSightings: number; otherIncidents: number[] }> {
    const column = (
      { ip: ['source_ip', 'destination_ip'], host: ['host_name'], user: ['user_name'] } as const
    )[type as 'ip' | 'host' | 'user']
    let eventSightings = 0
    if (column) {
      const counted = await this.store.db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where((eb) => eb.or(column.map((name) => eb(name, '=', value))))
        .executeTakeFirst()
      eventSightings = Number(counted?.n ?? 0)
    }
    const others = await this.store.db
      .selectFrom('incident_observables')
      .select('incident_id')
      .where('type', '=', type)
      .where('value', '=', value)
      .where('incident_id', '!=', excludeIncident)
      .execute()
    return { eventSightings, otherIncidents: others.map((row) => row.incident_id) }
  }

  async addObservable(
    id: number,
    input: { type: string; value: string; ioc?: boolean | undefined; tlp?: string | undefined },
    actor: Actor,
    origin: RequestOrigin,
  ) {
    await this.#exists(id)
    return this.store.transaction(async (trx) => {
      const row = await trx
        .insertInto('incident_observables')
        .values({
          incident_id: id,
          type: input.type,
          value: input.value,
          ioc: input.ioc ?? false,
          tlp: input.tlp ?? 'amber',
          origin: 'manual',
          created_at: new Date(),
        })
        .onConflict((conflict) =>
          conflict
            .columns(['incident_id', 'type', 'value'])
            .doUpdateSet({ ioc: input.ioc ?? false, tlp: input.tlp ?? 'amber' }),
        )
        .returningAll()
        .executeTakeFirstOrThrow()
      await appendAudit(this.store, trx, actor, origin, {
        action: 'incident.observable_add',
        targetType: 'incident',
        targetId: id,
        details: { type: input.type, value: input.value, ioc: input.ioc ?? false },
      })
      return row
    })
  }

  async notes(id: number) {
    await this.#exists(id)
    return this.store.db
      .selectFrom('incident_notes')
      .selectAll()
      .where('incident_id', '=', id)
      .orderBy('id')
      .execute()
  }

  async addNote(id: number, body: string, actor: Actor, origin: RequestOrigin) {
    await this.#exists(id)
    const mentions = [...body.matchAll(MENTION)].map((match) => match[1]!)
    return this.store.transaction(async (trx) => {
      const now = new Date()
      const row = await trx
        .insertInto('incident_notes')
        .values({
          incident_id: id,
          body,
          author: actor.name,
          created_at: now,
          updated_at: now,
          revisions: JSON.stringify([]),
          mentions: JSON.stringify([...new Set(mentions)]),
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await writeTimeline(trx, id, {
        occurredAt: now,
        kind: 'comment',
        title: `Note by ${actor.name}`,
        body: body.slice(0, 500),
        actor: actor.name,
        refType: 'note',
        refId: String(row.id),
      })
      await appendAudit(this.store, trx, actor, origin, {
        action: 'incident.note_add',
        targetType: 'incident',
        targetId: id,
        details: { note: row.id },
      })
      return row
    })
  }

  /** Edits keep every earlier version with its author and time. */
  async editNote(id: number, noteId: number, body: string, actor: Actor, origin: RequestOrigin) {
    return this.store.transaction(async (trx) => {
      const before = await trx
        .selectFrom('incident_notes')
        .selectAll()
        .where('id', '=', noteId)
        .where('incident_id', '=', id)
        .executeTakeFirst()
      if (!before) throw new NotFoundError('note', noteId)
      const revisions = [
        ...before.revisions,
        { body: before.body, author: before.author, at: before.updated_at.toISOString() },
      ]
      const mentions = [...new Set([...body.matchAll(MENTION)].map((match) => match[1]!))]
      const row = await trx
        .updateTable('incident_notes')
        .set({
          body,
          author: actor.name,
          updated_at: new Date(),
          revisions: JSON.stringify(revisions),
          mentions: JSON.stringify(mentions),
        })
        .where('id', '=', noteId)
        .returningAll()
        .executeTakeFirstOrThrow()
      await appendAudit(this.store, trx, actor, origin, {
        action: 'incident.note_edit',
        targetType: 'incident',
        targetId: id,
        details: { note: noteId },
      })
      return row
    })
  }
}
