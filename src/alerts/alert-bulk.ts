import type { Actor, RequestOrigin } from '../auth/actor.js'
import { appendAudit } from '../auth/audit.js'
import { UserError } from '../core/errors.js'
import type { AlertRow, AlertStatus } from '../store/schema.js'
import type { Store } from '../store/store.js'
import { type SimilarField, silenceSimilar, similarMatchers } from './alert-silence-similar.js'
import { type AlertChange, type AlertFilter, AlertsService } from './alerts.service.js'
import type { SilencesService } from './silences.service.js'

export const BULK_ACTIONS = [
  'acknowledge',
  'start',
  'close',
  'reopen',
  'assign',
  'tag',
  'silence_similar',
] as const
export type BulkAction = (typeof BULK_ACTIONS)[number]

/** The statuses an action applies to: others in the selection are skipped, not failed. */
const ELIGIBLE: Record<BulkAction, readonly AlertStatus[]> = {
  acknowledge: ['new'],
  start: ['new', 'acknowledged'],
  close: ['new', 'acknowledged', 'in_progress'],
  reopen: ['closed'],
  assign: ['new', 'acknowledged', 'in_progress', 'closed'],
  tag: ['new', 'acknowledged', 'in_progress', 'closed'],
  silence_similar: ['new', 'acknowledged', 'in_progress', 'closed'],
}

const TARGET_STATUS: Partial<Record<BulkAction, AlertStatus>> = {
  acknowledge: 'acknowledged',
  start: 'in_progress',
  close: 'closed',
  reopen: 'new',
}

export const BULK_MAX = 10_000

export interface BulkRequest {
  /** Either ids or a filter (the list endpoint's) selects the alerts. */
  ids?: number[] | undefined
  filter?: AlertFilter | undefined
  action: BulkAction
  /** At most this many alerts; a larger selection is refused with its count, never cut silently. */
  max: number
  dryRun: boolean
  resolution?: AlertChange['resolution']
  comment?: string | undefined
  assignee?: string | null | undefined
  addTags?: string[] | undefined
  removeTags?: string[] | undefined
  /** For silence_similar: one silence per distinct set of values over these fields. */
  silence?: { fields: SimilarField[]; durationSeconds: number; comment: string } | undefined
}

/** More distinct silences than this from one selection is surely the wrong selection. */
const MAX_SILENCES_PER_BULK = 100

export interface BulkResult {
  /** Alerts the selection names (ids or filter). */
  selected: number
  /** Of those, the ones the action applies to (e.g. not already closed, for close). */
  eligible: number
  updated: number
  dryRun: boolean
  ids: number[]
  /** silence_similar: the silences created (alerts with the same values share one). */
  silenceIds?: number[]
}

/**
 * One action on a selection of alerts named by ids or by the list filter: acknowledge, start,
 * close (resolution and comment), reopen, assign, tag. A dry run only counts.
 */
export class AlertBulkActions {
  constructor(
    private readonly store: Store,
    private readonly alerts: AlertsService,
    private readonly silences: SilencesService,
  ) {}

  async run(request: BulkRequest, actor: Actor, origin: RequestOrigin): Promise<BulkResult> {
    if ((request.ids === undefined) === (request.filter === undefined))
      throw new UserError('invalid_selection', 'select alerts with either ids or filter, not both or neither')
    if (request.action === 'tag' && !request.addTags?.length && !request.removeTags?.length)
      throw new UserError('invalid_bulk', 'tag needs addTags or removeTags')
    if (request.action === 'silence_similar' && !request.silence)
      throw new UserError(
        'invalid_bulk',
        'silence_similar needs silence: { fields, durationSeconds, comment }',
      )
    const select = (statuses?: readonly AlertStatus[]) => {
      let query = this.store.db.selectFrom('alerts').where('merged_into', 'is', null)
      if (request.ids) query = query.where('id', 'in', request.ids)
      else if (request.filter) {
        const filter = request.filter
        query = query.where((eb) => eb.and(AlertsService.conditions(eb, filter)))
      }
      if (statuses) query = query.where('status', 'in', statuses)
      return query
    }
    const eligibleStatuses = ELIGIBLE[request.action]
    const [selected, eligible] = await Promise.all([
      select()
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow(),
      select(eligibleStatuses)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow(),
    ])
    const counts = { selected: Number(selected.n), eligible: Number(eligible.n) }
    if (request.dryRun) return { ...counts, updated: 0, dryRun: true, ids: [] }
    if (counts.eligible > request.max)
      throw new UserError(
        'selection_too_large',
        `${counts.eligible} alerts match, more than max ${request.max}: narrow the filter or raise max (up to ${BULK_MAX})`,
        { status: 409, details: [{ path: 'max', message: `${counts.eligible} eligible` }] },
      )
    const ids = (await select(eligibleStatuses).select('id').orderBy('id').limit(request.max).execute()).map(
      (row) => row.id,
    )
    if (ids.length === 0) return { ...counts, updated: 0, dryRun: false, ids }
    if (request.action === 'silence_similar' && request.silence) {
      const silenceIds = await this.#silenceSimilar(ids, request.silence, actor, origin)
      return { ...counts, updated: ids.length, dryRun: false, ids, silenceIds }
    }
    if (request.action === 'tag') {
      await this.#tag(ids, request.addTags ?? [], request.removeTags ?? [], request.comment, actor, origin)
    } else {
      const change: AlertChange =
        request.action === 'assign'
          ? { assignee: request.assignee ?? null, comment: request.comment }
          : {
              status: TARGET_STATUS[request.action],
              resolution: request.resolution,
              comment: request.comment,
            }
      await this.alerts.change(ids, change, actor, origin)
    }
    return { ...counts, updated: ids.length, dryRun: false, ids }
  }

  async #silenceSimilar(
    ids: readonly number[],
    silence: NonNullable<BulkRequest['silence']>,
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<number[]> {
    const rows = await this.store.db
      .selectFrom('alerts')
      .selectAll()
      .where('id', 'in', ids)
      .orderBy('id')
      .execute()
    const distinct = new Map<string, AlertRow>()
    for (const row of rows) distinct.set(JSON.stringify(similarMatchers(row, silence.fields)), row)
    if (distinct.size > MAX_SILENCES_PER_BULK)
      throw new UserError(
        'selection_too_large',
        `the selection would make ${distinct.size} silences (at most ${MAX_SILENCES_PER_BULK}): silence on fewer fields or narrow the filter`,
        { status: 409 },
      )
    const created: number[] = []
    for (const alert of distinct.values())
      created.push((await silenceSimilar(this.store, this.silences, alert, silence, actor, origin)).id)
    return created
  }

  async #tag(
    ids: readonly number[],
    add: readonly string[],
    remove: readonly string[],
    comment: string | undefined,
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<void> {
    const removing = new Set(remove)
    await this.store.transaction(async (trx) => {
      const now = new Date()
      const rows = await trx.selectFrom('alerts').select(['id', 'tags']).where('id', 'in', ids).execute()
      for (const row of rows) {
        const tags = [...new Set([...row.tags.filter((tag) => !removing.has(tag)), ...add])]
        if (tags.length === row.tags.length && tags.every((tag, index) => tag === row.tags[index])) continue
        await trx
          .updateTable('alerts')
          .set({ tags: JSON.stringify(tags), updated_at: now })
          .where('id', '=', row.id)
          .execute()
        await trx
          .insertInto('alert_history')
          .values({
            alert_id: row.id,
            occurred_at: now,
            actor: actor.name,
            action: 'tagged',
            from_value: row.tags.join(','),
            to_value: tags.join(','),
            comment: comment ?? null,
            details: null,
          })
          .execute()
      }
      await appendAudit(this.store, trx, actor, origin, {
        action: 'alert.tag',
        targetType: 'alert',
        targetId: ids.length === 1 ? ids[0] : null,
        details: { ids, add, remove },
      })
    })
  }
}
