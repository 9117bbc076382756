import type { StoredEvent } from '../../core/event.js'
import type { EventRow } from '../schema.js'

/** The columns that say where an event's original is. */
export type OriginalColumns = Pick<
  EventRow,
  'original' | 'original_segment' | 'original_block' | 'original_offset' | 'original_length'
>

export interface ReadAfterOptions {
  /**
   * `false` leaves each row's `original` (and DuckDB's `labels`) as the JSON text stored, for a
   * reader that handles the events one at a time: it parses each when it gets to it, so that a
   * whole page of parsed events is not alive at once (every young-generation GC in the meantime
   * would copy it). Default `true`.
   */
  parse?: boolean
}

export interface EventStore {
  /**
   * Commits a batch of events and returns their sequence numbers, in order. When it resolves
   * the events are durable: only then may the sender be acknowledged.
   */
  append(events: readonly StoredEvent[]): Promise<number[]>
  /**
   * How many `append` calls may run at once. Overlapping appends may commit out of order
   * (PostgreSQL) or not (DuckDB), but `readAfter` never returns an event while one with a lower
   * sequence number can still commit: a reader following `seq` never skips a late arrival (an
   * append that fails leaves a gap in `seq`).
   */
  readonly concurrentAppends: number
  /**
   * Events with seq greater than `afterSeq`, oldest first (the detection cursor's read), up to
   * the first sequence number still being appended.
   */
  readAfter(afterSeq: number, limit: number, options?: ReadAfterOptions): Promise<EventRow[]>
  /**
   * Fills in `original` (as text) of rows read with their `original_*` columns whose original is
   * kept outside the table (the embedded store's journal); other rows are left as they are.
   */
  loadOriginals(rows: Array<OriginalColumns>): Promise<void>
  /** Drops events whose event time is older than `cutoff`; returns how many went (approximate on PostgreSQL). */
  deleteOlderThan(cutoff: Date): Promise<number>
  /** Makes sure storage exists for events of these days (PostgreSQL partitions); a no-op elsewhere. */
  prepareDays(days: readonly Date[]): Promise<void>
  count(): Promise<number>
}
