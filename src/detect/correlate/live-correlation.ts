import { createHash } from 'node:crypto'
import { type Kysely, sql, type Transaction } from 'kysely'
import type { Database, NewDetection } from '../../store/schema.js'
import type { CorrelationRuleDocument, Detector, RuleMatch } from '../sigma/index.js'
import { Correlator } from './correlator.js'
import type { CorrelationMatch, CorrelatorSnapshot } from './types.js'

export interface LiveEventRow {
  seq: number
  event_time: Date
  source: string | null
}

/**
 * The correlator of one live detector: built from the rule catalog, its state restored from
 * `correlation_state` and saved back in the transaction that moves the detector's cursor. After a
 * failed batch, `discard()` drops the in-memory state so the next batch restarts from what was committed.
 */
export class LiveCorrelation {
  #correlator: Correlator | undefined
  #rules: readonly CorrelationRuleDocument[] | undefined
  #latest = 0

  constructor(private readonly name: string) {}

  /** Makes sure the correlator matches the catalog's correlation rules (restoring committed state). */
  async prepare(db: Kysely<Database>, rules: readonly CorrelationRuleDocument[]): Promise<void> {
    if (this.#correlator !== undefined && this.#rules === rules) return
    const correlator = new Correlator(rules)
    const row = await db
      .selectFrom('correlation_state')
      .select('state')
      .where('name', '=', this.name)
      .executeTakeFirst()
    if (row !== undefined) correlator.restore(JSON.parse(row.state) as CorrelatorSnapshot)
    this.#correlator = correlator
    this.#rules = rules
  }

  discard(): void {
    this.#correlator = undefined
  }

  /** Whether a rule's own match becomes a detection (false when only a correlation uses it). */
  emits(match: RuleMatch): boolean {
    return this.#correlator?.emits(match.ruleId, match.ruleName) ?? true
  }

  /** Feeds a match; returns the correlation detections it completed. */
  observe(match: RuleMatch, row: LiveEventRow, detector: Detector, now: Date): NewDetection[] {
    const correlator = this.#correlator
    if (correlator === undefined || correlator.size === 0) return []
    const time = row.event_time.getTime()
    this.#latest = Math.max(this.#latest, time)
    const fired = correlator.observeMatch(match, detector.fieldValue, { time, ref: row.seq })
    return fired.filter((hit) => hit.emit).map((hit) => correlationDetection(hit, row.source, now))
  }

  /** Closes the windows that ended before the newest event seen; call once per batch. */
  tick(now: Date): NewDetection[] {
    const correlator = this.#correlator
    if (correlator === undefined || correlator.size === 0 || this.#latest === 0) return []
    return correlator
      .advance(this.#latest)
      .filter((hit) => hit.emit)
      .map((hit) => correlationDetection(hit, null, now))
  }

  /** Writes the state inside the caller's transaction (the one that moves the cursor). */
  async save(trx: Transaction<Database>, now: Date): Promise<void> {
    const correlator = this.#correlator
    if (correlator === undefined || correlator.size === 0) return
    await trx
      .insertInto('correlation_state')
      .values({ name: this.name, state: JSON.stringify(correlator.snapshot()), updated_at: now })
      .onConflict((conflict) =>
        conflict
          .column('name')
          .doUpdateSet({ state: sql`excluded.state`, updated_at: sql`excluded.updated_at` }),
      )
      .execute()
  }
}

/** A correlation as a detection: deduplicated by rule, group and window end. */
export function correlationDetection(hit: CorrelationMatch, source: string | null, now: Date): NewDetection {
  const group = createHash('sha256').update(hit.groupKey).digest('hex').slice(0, 16)
  return {
    created_at: now,
    detected_at: hit.windowEnd,
    kind: 'correlation',
    rule_id: hit.ruleId,
    rule_title: hit.title,
    level: hit.level ?? 'medium',
    tags: JSON.stringify(hit.tags),
    source,
    event_seqs: JSON.stringify(hit.refs.filter((ref) => typeof ref === 'number')),
    matched: JSON.stringify({ type: hit.type, group: hit.group, value: hit.value, count: hit.count }),
    dedup_key: `correlation:${hit.ruleId}:${group}:${hit.windowEnd.toISOString()}`,
    context: JSON.stringify({
      windowStart: hit.windowStart.toISOString(),
      windowEnd: hit.windowEnd.toISOString(),
    }),
  }
}
