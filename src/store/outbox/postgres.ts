import type { Kysely } from 'kysely'
import type { Database } from '../schema.js'
import { claimDueRows, takePendingForDigest } from './common.js'
import type { OutboxStore } from './outbox-store.js'

/**
 * Several worker processes share the table: each claim locks the rows it takes and skips rows
 * another worker holds (`FOR UPDATE SKIP LOCKED`), so no row is leased to two live workers.
 */
export function postgresOutboxStore(db: Kysely<Database>): OutboxStore {
  return {
    claim: (options) => claimDueRows(db, options, true),
    takeForDigest: (trx, channelId, limit) => takePendingForDigest(trx, channelId, limit, true),
  }
}
