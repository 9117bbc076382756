import type { Kysely, Transaction } from 'kysely'
import type { Actor, RequestOrigin } from '../auth/actor.js'
import { appendAudit } from '../auth/audit.js'
import { NotFoundError, UserError } from '../core/errors.js'
import { readIncidentClock, responseDurations } from '../metrics/incident-clock.js'
import type { Database, FiveWhy, IncidentRcaRow, IncidentRow, RcaState } from '../store/schema.js'
import type { Store } from '../store/store.js'
import { rcaPrefill } from './rca-prefill.js'
import type { RcaView } from './rca-view.js'
import { writeTimeline } from './timeline-writer.js'

/** The fields people write; everything else in an RCA is derived or bookkeeping. */
export interface RcaContent {
  summary: string
  impact: string
  detection: string
  rootCause: string
  contributingFactors: string[]
  fiveWhys: FiveWhy[]
  wentWell: string[]
  wentBadly: string[]
}

export type RcaReviewAction = 'submit' | 'approve' | 'return'

type Trx = Transaction<Database>

const COLUMNS = {
  summary: 'summary',
  impact: 'impact',
  detection: 'detection',
  rootCause: 'root_cause',
  contributingFactors: 'contributing_factors',
  fiveWhys: 'five_whys',
  wentWell: 'went_well',
  wentBadly: 'went_badly',
} as const satisfies Record<keyof RcaContent, keyof IncidentRcaRow>
const LIST_FIELDS = new Set<keyof RcaContent>(['contributingFactors', 'fiveWhys', 'wentWell', 'wentBadly'])

/**
 * One root-cause analysis per incident. Pre-filled from the incident on first read; saved with
 * optimistic concurrency (each save names the version it edits); reviewed draft → in_review →
 * approved by someone who did not write it. Times, key events and action items are read live.
 */
export class RcaService {
  constructor(private readonly store: Store) {}

  /** The stored RCA, or the pre-filled draft (version 0, not yet saved) when there is none. */
  async get(incidentId: number): Promise<RcaView> {
    const db = this.store.db
    const incident = await loadIncident(db, incidentId)
    const row = await db
      .selectFrom('incident_rcas')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .executeTakeFirst()
    return this.#view(db, incident, row ?? (await rcaPrefill(db, incident)), row !== undefined)
  }

  /** Saves the pre-filled draft as version 1. */
  async create(incidentId: number, actor: Actor, origin: RequestOrigin): Promise<RcaView> {
    const incident = await loadIncident(this.store.db, incidentId)
    const draft = await rcaPrefill(this.store.db, incident)
    await this.store.transaction(async (trx) => {
      const existing = await selectRca(trx, incidentId)
      if (existing) throw rcaExists(incidentId, existing.version)
      if (!(await this.#insert(trx, draft, actor, 1))) throw rcaExists(incidentId, 1)
      await writeTimeline(trx, incidentId, {
        occurredAt: new Date(),
        kind: 'rca',
        title: 'Root-cause analysis started',
        actor: actor.name,
        refType: 'rca',
        refId: String(incidentId),
      })
      await appendAudit(this.store, trx, actor, origin, {
        action: 'incident.rca_create',
        targetType: 'incident',
        targetId: incidentId,
      })
    })
    return this.get(incidentId)
  }

  /**
   * Saves `changes` over version `version` (0 saves the pre-filled draft first). A save over an
   * RCA in review or approved sends it back to draft: approval covers the text that was read.
   */
  async save(
    incidentId: number,
    version: number,
    changes: Partial<RcaContent>,
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<RcaView> {
    const incident = await loadIncident(this.store.db, incidentId)
    const prefill = await rcaPrefill(this.store.db, incident)
    await this.store.transaction(async (trx) => {
      let before = await selectRca(trx, incidentId)
      if (before && before.version !== version) throw staleVersion(before.version, version)
      if (!before && version !== 0) throw staleVersion(0, version)
      // The pre-filled draft is stored as version 0 and this save makes it version 1.
      before ??= await this.#insert(trx, prefill, actor, 0)
      if (!before) throw staleVersion(1, version)
      const person = await personOf(trx, actor)
      const set: Record<string, unknown> = {}
      const changed: string[] = []
      for (const [field, column] of Object.entries(COLUMNS) as [keyof RcaContent, string][]) {
        const value = changes[field]
        if (value === undefined) continue
        changed.push(field)
        set[column] = LIST_FIELDS.has(field) ? JSON.stringify(value) : value
      }
      const reopened = before.state !== 'draft'
      const updated = await trx
        .updateTable('incident_rcas')
        .set({
          ...set,
          version: before.version + 1,
          state: 'draft',
          authors: JSON.stringify([...new Set([...before.authors, person])]),
          updated_by: person,
          updated_at: new Date(),
        })
        .where('incident_id', '=', incidentId)
        // On PostgreSQL a concurrent save may have committed since we read: then nothing matches.
        .where('version', '=', before.version)
        .executeTakeFirst()
      if (Number(updated.numUpdatedRows) === 0) throw staleVersion(before.version + 1, version)
      await writeTimeline(trx, incidentId, {
        occurredAt: new Date(),
        kind: 'rca',
        title: reopened
          ? `Root-cause analysis edited (version ${before.version + 1}); back to draft from ${before.state}`
          : `Root-cause analysis edited (version ${before.version + 1})`,
        actor: actor.name,
        refType: 'rca',
        refId: String(incidentId),
      })
      await appendAudit(this.store, trx, actor, origin, {
        action: 'incident.rca_update',
        targetType: 'incident',
        targetId: incidentId,
        details: {
          fields: changed,
          before: { version: before.version, state: before.state },
          after: { version: before.version + 1, state: 'draft' },
        },
      })
    })
    return this.get(incidentId)
  }

  async review(
    incidentId: number,
    input: { action: RcaReviewAction; version: number; comment?: string | undefined },
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<RcaView> {
    await loadIncident(this.store.db, incidentId)
    await this.store.transaction(async (trx) => {
      const before = await selectRca(trx, incidentId)
      if (!before) throw new NotFoundError('root-cause analysis of incident', incidentId)
      if (before.version !== input.version) throw staleVersion(before.version, input.version)
      const next = nextState(before.state, input.action)
      const now = new Date()
      const person = await personOf(trx, actor)
      if (input.action === 'approve' && before.authors.includes(person) && actor.role !== 'admin') {
        throw new UserError(
          'own_rca',
          `you cannot approve a root-cause analysis you wrote (authors: ${before.authors.join(', ')}); ask another analyst to review it, or an admin`,
          { status: 403 },
        )
      }
      const review =
        input.action === 'submit'
          ? {
              submitted_by: person,
              submitted_at: now,
              reviewed_by: null,
              reviewed_at: null,
              review_comment: input.comment ?? null,
            }
          : { reviewed_by: person, reviewed_at: now, review_comment: input.comment ?? null }
      await trx
        .updateTable('incident_rcas')
        .set({ state: next, ...review })
        .where('incident_id', '=', incidentId)
        .execute()
      const titles: Record<RcaReviewAction, string> = {
        submit: 'Root-cause analysis submitted for review',
        approve: 'Root-cause analysis approved',
        return: 'Root-cause analysis returned to draft',
      }
      await writeTimeline(trx, incidentId, {
        occurredAt: now,
        kind: 'rca',
        title: titles[input.action],
        body: input.comment ?? null,
        actor: actor.name,
        flagged: input.action === 'approve',
        refType: 'rca',
        refId: String(incidentId),
      })
      await appendAudit(this.store, trx, actor, origin, {
        action: `incident.rca_${input.action}`,
        targetType: 'incident',
        targetId: incidentId,
        details: { version: before.version, before: { state: before.state }, after: { state: next } },
      })
    })
    return this.get(incidentId)
  }

  /** Undefined when another request stored this incident's RCA first. */
  async #insert(
    trx: Trx,
    draft: IncidentRcaRow,
    actor: Actor,
    version: number,
  ): Promise<IncidentRcaRow | undefined> {
    const now = new Date()
    const person = await personOf(trx, actor)
    return trx
      .insertInto('incident_rcas')
      .values({
        ...draft,
        version,
        contributing_factors: JSON.stringify(draft.contributing_factors),
        five_whys: JSON.stringify(draft.five_whys),
        went_well: JSON.stringify(draft.went_well),
        went_badly: JSON.stringify(draft.went_badly),
        authors: JSON.stringify([person]),
        created_by: person,
        created_at: now,
        updated_by: person,
        updated_at: now,
      })
      .onConflict((conflict) => conflict.column('incident_id').doNothing())
      .returningAll()
      .executeTakeFirst()
  }

  async #view(
    db: Kysely<Database>,
    incident: IncidentRow,
    row: IncidentRcaRow,
    saved: boolean,
  ): Promise<RcaView> {
    const clock = await readIncidentClock(db, incident)
    const keyEvents = await db
      .selectFrom('incident_timeline')
      .selectAll()
      .where('incident_id', '=', incident.id)
      .where('flagged', '=', true)
      .orderBy('occurred_at')
      .orderBy('id')
      .execute()
    const actionItems = await db
      .selectFrom('incident_tasks')
      .selectAll()
      .where('incident_id', '=', incident.id)
      .where('kind', '=', 'follow_up')
      .orderBy('id')
      .execute()
    return { incident, rca: row, saved, clock, durations: responseDurations(clock), keyEvents, actionItems }
  }
}

function nextState(state: RcaState, action: RcaReviewAction): RcaState {
  const moves: Record<RcaReviewAction, [RcaState, RcaState]> = {
    submit: ['draft', 'in_review'],
    approve: ['in_review', 'approved'],
    return: ['in_review', 'draft'],
  }
  const [from, to] = moves[action]
  if (state !== from)
    throw new UserError('invalid_rca_state', `cannot ${action} a root-cause analysis that is ${state}`, {
      status: 409,
    })
  return to
}

function rcaExists(incidentId: number, version: number): UserError {
  return new UserError(
    'rca_exists',
    `incident ${incidentId} already has a root-cause analysis (version ${version}): edit it with PATCH`,
    { status: 409 },
  )
}

function staleVersion(current: number, given: number): UserError {
  return new UserError(
    'version_conflict',
    `the root-cause analysis changed since you read it (you edited version ${given}, it is now version ${current}): reload it and apply your change again`,
    { status: 409 },
  )
}

/**
 * The person behind an action: a token acts for its owner, so two tokens of one analyst are one
 * author, and two analysts' tokens with the same name are two.
 */
async function personOf(trx: Trx, actor: Actor): Promise<string> {
  if (actor.userId === null) return actor.name
  const user = await trx
    .selectFrom('users')
    .select('username')
    .where('id', '=', actor.userId)
    .executeTakeFirst()
  return user?.username ?? actor.name
}

async function selectRca(trx: Trx, incidentId: number): Promise<IncidentRcaRow | undefined> {
  return trx.selectFrom('incident_rcas').selectAll().where('incident_id', '=', incidentId).executeTakeFirst()
}

async function loadIncident(db: Kysely<Database>, id: number): Promise<IncidentRow> {
  const row = await db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) throw new NotFoundError('incident', id)
  return row
}
