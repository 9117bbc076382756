import { sql, type Transaction } from 'kysely'
import type { Actor, RequestOrigin } from '../auth/actor.js'
import { appendAudit } from '../auth/audit.js'
import { ConflictError, NotFoundError, UserError } from '../core/errors.js'
import { enqueueAlertNotifications } from '../notify/enqueue.js'
import { noticeFromAlert } from '../notify/message.js'
import { NO_ROUTES, type NotifyRouting } from '../notify/router.js'
import type { AlertRow, Database } from '../store/schema.js'
import type { Store } from '../store/store.js'
import { indexAlertEntities } from './alert-entity-index.js'
import { mergeEntities } from './alert-metadata.js'

export interface MergeResult {
  target: AlertRow
  merged: number[]
}

/**
 * Merges alerts into one: the target takes the sources' counts, events, suppressed detections,
 * entities, tags and first/last seen; each source is closed as a `duplicate` pointing at the
 * target. Both sides record it in their history; the merge is audited. One transaction.
 */
export async function mergeAlerts(
  store: Store,
  notify: NotifyRouting | undefined,
  targetId: number,
  sourceIds: readonly number[],
  comment: string | undefined,
  actor: Actor,
  origin: RequestOrigin,
): Promise<MergeResult> {
  const ids = [...new Set(sourceIds)]
  if (ids.includes(targetId))
    throw new UserError('invalid_merge', 'an alert cannot be merged into itself', {
      details: [{ path: 'sourceIds', message: `contains the target ${targetId}` }],
    })
  const router = (await notify?.router()) ?? NO_ROUTES
  return store.transaction(async (trx) => {
    const target = await trx.selectFrom('alerts').selectAll().where('id', '=', targetId).executeTakeFirst()
    if (!target) throw new NotFoundError('alert', targetId)
    if (target.merged_into !== null)
      throw new ConflictError(
        `alert ${targetId} was merged into alert ${target.merged_into}; merge into that one`,
      )
    const sources = await trx.selectFrom('alerts').selectAll().where('id', 'in', ids).orderBy('id').execute()
    const missing = ids.filter((id) => !sources.some((source) => source.id === id))
    if (missing.length > 0) throw new NotFoundError('alert', missing.join(', '))
    const already = sources.find((source) => source.merged_into !== null)
    if (already)
      throw new ConflictError(`alert ${already.id} was already merged into alert ${already.merged_into}`)

    const now = new Date()
    let entities = target.entities
    const tags = new Set(target.tags)
    let firstSeen = target.first_seen
    let lastSeen = target.last_seen
    let events = Number(target.event_count)
    let suppressed = Number(target.suppressed_count)
    let incidentId = target.incident_id
    for (const source of sources) {
      entities = mergeEntities(entities, source.entities)
      for (const tag of source.tags) tags.add(tag)
      if (source.first_seen < firstSeen) firstSeen = source.first_seen
      if (source.last_seen > lastSeen) lastSeen = source.last_seen
      events += Number(source.event_count)
      suppressed += Number(source.suppressed_count)
      incidentId ??= source.incident_id
    }
    const merged = await trx
      .updateTable('alerts')
      .set({
        entities: JSON.stringify(entities),
        tags: JSON.stringify([...tags]),
        first_seen: firstSeen,
        last_seen: lastSeen,
        event_count: events,
        suppressed_count: suppressed,
        incident_id: incidentId,
        updated_at: now,
      })
      .where('id', '=', targetId)
      .returningAll()
      .executeTakeFirstOrThrow()
    await indexAlertEntities(trx, targetId, entities)
    // The id is a validated integer: a literal keeps the INSERT … SELECT typed on both engines.
    await trx
      .insertInto('alert_events')
      .columns(['alert_id', 'event_seq', 'detection_id'])
      .expression((eb) =>
        eb
          .selectFrom('alert_events')
          .select([sql<number>`${sql.lit(targetId)}`.as('alert_id'), 'event_seq', 'detection_id'])
          .where('alert_id', 'in', ids),
      )
      .onConflict((conflict) => conflict.columns(['alert_id', 'event_seq']).doNothing())
      .execute()
    await trx
      .insertInto('alert_suppressed_detections')
      .columns(['alert_id', 'detection_id', 'detected_at'])
      .expression((eb) =>
        eb
          .selectFrom('alert_suppressed_detections')
          .select([sql<number>`${sql.lit(targetId)}`.as('alert_id'), 'detection_id', 'detected_at'])
          .where('alert_id', 'in', ids),
      )
      .onConflict((conflict) => conflict.columns(['alert_id', 'detection_id']).doNothing())
      .execute()

    const note = `merged into alert ${targetId}${comment ? `: ${comment}` : ''}`
    for (const source of sources) {
      const closed = await trx
        .updateTable('alerts')
        .set({
          status: 'closed',
          resolution: 'duplicate',
          close_comment: note,
          closed_at: source.closed_at ?? now,
          acknowledged_at: source.acknowledged_at ?? now,
          merged_into: targetId,
          updated_at: now,
        })
        .where('id', '=', source.id)
        // A concurrent merge of the same source (PostgreSQL re-checks this after the row lock) loses.
        .where('merged_into', 'is', null)
        .returningAll()
        .executeTakeFirst()
      if (!closed) throw new ConflictError(`alert ${source.id} was merged by someone else meanwhile`)
      await trx
        .insertInto('alert_history')
        .values({
          alert_id: source.id,
          occurred_at: now,
          actor: actor.name,
          action: 'merged_into',
          from_value: source.status,
          to_value: String(targetId),
          comment: comment ?? null,
          details: JSON.stringify({ target: targetId }),
        })
        .execute()
      if (source.status !== 'closed')
        await enqueueAlertNotifications(
          trx,
          router,
          { ...noticeFromAlert(closed), silenced: closed.silenced_by !== null },
          { event: 'alert.status', previousStatus: source.status, changedAt: now },
        )
    }
    await trx
      .insertInto('alert_history')
      .values({
        alert_id: targetId,
        occurred_at: now,
        actor: actor.name,
        action: 'merged',
        from_value: null,
        to_value: ids.join(','),
        comment: comment ?? null,
        details: JSON.stringify({ sources: ids, events: events - Number(target.event_count) }),
      })
      .execute()
    await appendAudit(store, trx, actor, origin, {
      action: 'alert.merge',
      targetType: 'alert',
      targetId,
      details: { sources: ids, comment: comment ?? null },
    })
    return { target: merged, merged: ids }
  })
}

/**
 * The open alert that absorbed, by a merge, an alert with this fingerprint: later detections
 * join it instead of opening the duplicate an analyst just merged away.
 */
export async function openMergeTarget(trx: Transaction<Database>, fingerprint: string, since: Date) {
  return trx
    .selectFrom('alerts as source')
    .innerJoin('alerts as target', 'target.id', 'source.merged_into')
    .select(['target.id', 'target.entities', 'target.last_seen', 'target.first_seen'])
    .where('source.fingerprint', '=', fingerprint)
    .where('target.status', '!=', 'closed')
    .where('target.merged_into', 'is', null)
    .where('target.last_seen', '>=', since)
    .orderBy('target.id', 'desc')
    .limit(1)
    .executeTakeFirst()
}

/**
 * Fingerprints of alerts merged into a still-open alert, read before the builder's transaction:
 * only those groups pay for the `openMergeTarget` lookup (a merge committed meanwhile is seen by
 * the next batch).
 */
export async function mergedSourceFingerprints(store: Store): Promise<Set<string>> {
  const rows = await store.db
    .selectFrom('alerts as source')
    .innerJoin('alerts as target', 'target.id', 'source.merged_into')
    .select('source.fingerprint')
    .where('target.status', '!=', 'closed')
    .where('target.merged_into', 'is', null)
    .execute()
  return new Set(rows.map((row) => row.fingerprint))
}
