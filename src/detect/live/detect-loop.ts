import { sql } from 'kysely'
import type { Logger } from 'pino'
import { parsedOriginal } from '../../store/events/common.js'
import type { NewDetection } from '../../store/schema.js'
import type { Leadership, Store } from '../../store/store.js'
import { LiveCorrelation } from '../correlate/live-correlation.js'
import type { RuleCatalog } from './rule-catalog.js'

export interface DetectLoopOptions {
  /** Events read and evaluated per transaction. */
  batchSize?: number
  /** Pause when there is nothing new. */
  idleMs?: number
  /** The cursor (and leadership) name: one detector partition. */
  name?: string
}

const INSERT_CHUNK = 500

/**
 * The live detector: reads committed events after its cursor, runs the rule catalog over them,
 * and stores the detections with the new cursor in one transaction. A crash replays from the
 * cursor; detections carry a unique key (rule and event), so a replay never doubles one. On
 * PostgreSQL one node leads through an advisory lock; a standby takes over when it dies.
 */
export class DetectLoop {
  readonly #batchSize: number
  readonly #idleMs: number
  readonly #name: string
  #running: Promise<void> | undefined
  #stopping = false
  #leadership: Leadership | undefined
  #wake: (() => void) | undefined
  readonly #correlation: LiveCorrelation

  constructor(
    private readonly store: Store,
    private readonly catalog: RuleCatalog,
    private readonly logger: Logger,
    options: DetectLoopOptions = {},
  ) {
    this.#batchSize = options.batchSize ?? 2_000
    this.#idleMs = options.idleMs ?? 250
    this.#name = options.name ?? 'sigma'
    this.#correlation = new LiveCorrelation(this.#name)
  }

  /** Processes one batch; returns how many events it evaluated. */
  async runOnce(): Promise<number> {
    try {
      return await this.#runBatch()
    } catch (error) {
      // The correlator may have seen events whose cursor was not committed: reload its state.
      this.#correlation.discard()
      throw error
    }
  }

  async #runBatch(): Promise<number> {
    const cursorRow = await this.store.db
      .selectFrom('detect_cursors')
      .select('seq')
      .where('name', '=', this.#name)
      .executeTakeFirst()
    const cursor = cursorRow?.seq ?? 0
    // Originals stay text until their turn: a page of 2,000 parsed events alive at once made
    // every young-generation GC copy it (see ReadAfterOptions).
    const rows = await this.store.events.readAfter(cursor, this.#batchSize, { parse: false })
    if (rows.length === 0) return 0
    const { detector, correlations } = this.catalog.snapshot
    await this.#correlation.prepare(this.store.db, correlations)
    const now = new Date()
    const detections: NewDetection[] = []
    for (const row of rows) {
      for (const match of detector.match(parsedOriginal(row))) {
        detections.push(...this.#correlation.observe(match, row, detector, now))
        if (!this.#correlation.emits(match)) continue
        detections.push({
          created_at: now,
          detected_at: row.event_time,
          kind: 'sigma',
          rule_id: match.ruleId,
          rule_title: match.title,
          level: match.level ?? 'medium',
          tags: JSON.stringify(match.tags),
          source: row.source,
          event_seqs: JSON.stringify([row.seq]),
          matched: JSON.stringify(match.matchedFields),
          dedup_key: `sigma:${match.ruleId}:${row.seq}`,
          context: JSON.stringify({ host: row.host_name, user: row.user_name, dataset: row.dataset }),
        })
      }
    }
    detections.push(...this.#correlation.tick(now))
    const lastSeq = rows.at(-1)!.seq
    await this.store.transaction(async (trx) => {
      for (let start = 0; start < detections.length; start += INSERT_CHUNK) {
        await trx
          .insertInto('detections')
          .values(detections.slice(start, start + INSERT_CHUNK))
          .onConflict((conflict) => conflict.column('dedup_key').doNothing())
          .execute()
      }
      await trx
        .insertInto('detect_cursors')
        .values({ name: this.#name, seq: lastSeq, updated_at: now })
        .onConflict((conflict) =>
          conflict
            .column('name')
            .doUpdateSet({ seq: sql`excluded.seq`, updated_at: sql`excluded.updated_at` }),
        )
        .execute()
      await this.#correlation.save(trx, now)
    })
    if (detections.length > 0)
      this.logger.info(
        { events: rows.length, detections: detections.length, cursor: lastSeq },
        'detections stored',
      )
    return rows.length
  }

  start(): void {
    this.#running ??= this.#loop()
  }

  /** Ask for an early look (for example after an ingest commit). */
  wake(): void {
    this.#wake?.()
  }

  async stop(): Promise<void> {
    this.#stopping = true
    this.wake()
    await this.#running
    await this.#leadership?.release().catch(() => {})
    this.#leadership = undefined
  }

  async #loop(): Promise<void> {
    while (!this.#stopping) {
      try {
        if (!this.#leadership) {
          this.#leadership = await this.store.locks.tryLeadership(`detect:${this.#name}`)
          if (!this.#leadership) {
            await this.#sleep(5_000)
            continue
          }
          this.logger.info({ detector: this.#name }, 'this node now runs the detector')
        }
        if (!this.catalog.loaded) await this.catalog.reload()
        const processed = await this.runOnce()
        if (processed < this.#batchSize) await this.#sleep(this.#idleMs)
      } catch (error) {
        this.logger.warn({ err: error }, 'detection batch failed; retrying from the cursor')
        await this.#sleep(1_000)
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        resolve()
      }
      this.#wake = done
    })
  }
}
