import type { Transaction } from 'kysely'
import type { Database } from '../store/schema.js'
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
        await insertMonitorDetection(trx, {
          source: source.name,
          ruleId: 'source.silent',
          title: `Source ${source.name} has gone silent`,
          level: 'medium',
          at: now,
          detectedAt: now,
          matched: {
            lastHeard: lastHeard.toISOString(),
            expectedIntervalSeconds: Number(source.expected_interval_seconds),
          },
          dedupKey: `source.silent:${source.name}:${lastHeard.toISOString()}`,
        })
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
        await insertMonitorDetection(trx, {
          source: source.name,
          ruleId: 'source.recovered',
          title: `Source ${source.name} is sending again`,
          level: 'informational',
          at: now,
          detectedAt: source.last_received_at ?? now,
          matched: {
            silentSince: silentSince.toISOString(),
            resumedAt: source.last_received_at?.toISOString(),
          },
          dedupKey: `source.recovered:${source.name}:${silentSince.toISOString()}`,
        })
        return true
      })
      if (changed) result.recovered.push(source.name)
    }
  }
  return result
}

interface MonitorDetection {
  source: string
  ruleId: 'source.silent' | 'source.recovered'
  title: string
  level: string
  at: Date
  detectedAt: Date
  matched: Record<string, unknown>
  dedupKey: string
}

async function insertMonitorDetection(
  trx: Transaction<Database>,
  detection: MonitorDetection,
): Promise<void> {
  await trx
    .insertInto('detections')
    .values({
      created_at: detection.at,
      detected_at: detection.detectedAt,
      kind: 'system',
      rule_id: detection.ruleId,
      rule_title: detection.title,
      level: detection.level,
      tags: JSON.stringify(['watchfloor.monitoring']),
      source: detection.source,
      event_seqs: JSON.stringify([]),
      matched: JSON.stringify(detection.matched),
      dedup_key: detection.dedupKey,
      context: null,
    })
    .onConflict((conflict) => conflict.column('dedup_key').doNothing())
    .execute()
}
