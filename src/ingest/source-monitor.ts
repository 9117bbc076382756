import type { Store } from '../store/store.js'

export interface MonitorResult {
  wentSilent: string[]
  recovered: string[]
}

/**
 * Monitoring the monitoring: a source with an expected interval that sends nothing for longer
 * raises a `source.silent` detection (an alert once alerts exist), and a `source.recovered` one
 * when data comes back. Guarded updates and unique dedup keys make it safe for several workers.
 */
export async function checkSources(store: Store, now = new Date()): Promise<MonitorResult> {
  const sources = await store.db
    .selectFrom('sources')
    .select(['name', 'expected_interval_seconds', 'last_received_at', 'created_at', 'silent_since'])
    .where('enabled', '=', true)
    .where('expected_interval_seconds', 'is not', null)
    .execute()
  const result: MonitorResult = { wentSilent: [], recovered: [] }
  for (const source of sources) {
    const intervalMs = Number(source.expected_interval_seconds) * 1000
    const lastHeard = source.last_received_at ?? source.created_at
    if (!source.silent_since && now.getTime() - lastHeard.getTime() > intervalMs) {
      const changed = await store.transaction(async (trx) => {
        const updated = await trx
          .updateTable('sources')
          .set({ silent_since: now })
          .where('name', '=', source.name)
          .where('silent_since', 'is', null)
          .executeTakeFirst()
        if (Number(updated.numUpdatedRows) === 0) return false
        await trx
          .insertInto('detections')
          .values({
            created_at: now,
            detected_at: now,
            kind: 'system',
            rule_id: 'source.silent',
            rule_title: `Source ${source.name} has gone silent`,
            level: 'medium',
            tags: JSON.stringify(['watchfloor.monitoring']),
            source: source.name,
            event_seqs: JSON.stringify([]),
            matched: JSON.stringify({
              lastHeard: lastHeard.toISOString(),
              expectedIntervalSeconds: Number(source.expected_interval_seconds),
            }),
            dedup_key: `source.silent:${source.name}:${lastHeard.toISOString()}`,
            context: null,
          })
          .onConflict((conflict) => conflict.column('dedup_key').doNothing())
          .execute()
        return true
      })
      if (changed) result.wentSilent.push(source.name)
    } else if (
      source.silent_since &&
      source.last_received_at &&
      source.last_received_at > source.silent_since
    ) {
      const silentSince = source.silent_since
      const changed = await store.transaction(async (trx) => {
        const updated = await trx
          .updateTable('sources')
          .set({ silent_since: null })
          .where('name', '=', source.name)
          .where('silent_since', '=', silentSince)
          .executeTakeFirst()
        if (Number(updated.numUpdatedRows) === 0) return false
        await trx
          .insertInto('detections')
          .values({
            created_at: now,
            detected_at: source.last_received_at ?? now,
            kind: 'system',
            rule_id: 'source.recovered',
            rule_title: `Source ${source.name} is sending again`,
            level: 'informational',
            tags: JSON.stringify(['watchfloor.monitoring']),
            source: source.name,
            event_seqs: JSON.stringify([]),
            matched: JSON.stringify({
              silentSince: silentSince.toISOString(),
              resumedAt: source.last_received_at?.toISOString(),
            }),
            dedup_key: `source.recovered:${source.name}:${silentSince.toISOString()}`,
            context: null,
          })
          .onConflict((conflict) => conflict.column('dedup_key').doNothing())
          .execute()
        return true
      })
      if (changed) result.recovered.push(source.name)
    }
  }
  return result
}
