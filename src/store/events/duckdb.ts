import type { Kysely } from 'kysely'
import type { Database } from '../schema.js'
import { countEvents, insertEventRows, readEventsAfter } from './common.js'
import type { EventStore } from './event-store.js'

export function duckdbEventStore(db: Kysely<Database>): EventStore {
  return {
    append: (events) => db.transaction().execute((trx) => insertEventRows(trx, events)),
    readAfter: (afterSeq, limit) => readEventsAfter(db, afterSeq, limit),
    async deleteOlderThan(cutoff) {
      const result = await db.deleteFrom('events').where('event_time', '<', cutoff).executeTakeFirst()
      return Number(result.numDeletedRows)
    },
    async prepareDays() {},
    count: () => countEvents(db),
  }
}
