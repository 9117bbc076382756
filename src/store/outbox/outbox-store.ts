import type { Transaction } from 'kysely'
import type { Database, NotificationRow } from '../schema.js'

export interface ClaimOptions {
  /** Who takes the lease (one worker process). */
  owner: string
  limit: number
  leaseMs: number
  now: Date
}

/**
 * The notification outbox's claims, which differ between engines: PostgreSQL shares the table
 * between worker processes and locks what it takes (`FOR UPDATE SKIP LOCKED`); a DuckDB file has
 * one process whose queries run one at a time, so a guarded UPDATE is enough.
 */
export interface OutboxStore {
  /**
   * Leases due rows to `owner` and returns them: pending rows whose next attempt is due, and rows
   * whose lease expired (their worker died mid-delivery). Each claim counts as an attempt.
   */
  claim(options: ClaimOptions): Promise<NotificationRow[]>
  /**
   * Inside `trx`: takes up to `limit` pending `alert.created` rows of one channel, marks them
   * `digested` and returns them (rows leased by another worker are left alone).
   */
  takeForDigest(trx: Transaction<Database>, channelId: number, limit: number): Promise<NotificationRow[]>
}
