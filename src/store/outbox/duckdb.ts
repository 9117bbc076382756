import type { Kysely } from 'kysely'
import type { Database } from '../schema.js'
import { claimDueRows, takePendingForDigest } from './common.js'
import type { OutboxStore } from './outbox-store.js'

/** One process, one connection, queries in turn: the guarded UPDATE cannot race with itself. */
export function duckdbOutboxStore(db: Kysely<Database>): OutboxStore {
  return {
    claim: (options) => claimDueRows(db, options, false),
    takeForDigest: (trx, channelId, limit) => takePendingForDigest(trx, channelId, limit, false),
  }
}
