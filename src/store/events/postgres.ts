import { type Kysely, sql } from 'kysely'
import type pg from 'pg'
import type { Database } from '../schema.js'
import { countEvents, readEventsAfter } from './common.js'
import type { EventStore } from './event-store.js'
import { eventSeqWatermark } from './postgres-append-order.js'
import { appendByCopy } from './postgres-copy.js'

const DAY_MS = 86_400_000

function dayStart(date: Date): Date {
  return new Date(Math.floor(date.getTime() / DAY_MS) * DAY_MS)
}

function partitionName(day: Date): string {
  return `events_${day.toISOString().slice(0, 10).replaceAll('-', '')}`
}

/**
 * Events on PostgreSQL live in one partition per UTC day. Partitions are created ahead of need
 * (`prepareDays`); rows for a day without one land in `events_default`. Retention detaches and
 * drops whole day partitions, then trims the default partition.
 */
export function postgresEventStore(db: Kysely<Database>, pool: pg.Pool): EventStore {
  const known = new Set<string>()

  async function ensurePartition(day: Date): Promise<void> {
    const name = partitionName(day)
    if (known.has(name)) return
    const from = day.toISOString()
    const to = new Date(day.getTime() + DAY_MS).toISOString()
    const exists = await sql<{
      n: number
    }>`SELECT count(*)::int AS n FROM pg_class WHERE relname = ${name}`.execute(db)
    if ((exists.rows[0]?.n ?? 0) === 0) {
      // A new day partition may not overlap rows already in the default partition: move them.
      await db.transaction().execute(async (trx) => {
        await sql`LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE`.execute(trx)
        const again = await sql<{
          n: number
        }>`SELECT count(*)::int AS n FROM pg_class WHERE relname = ${name}`.execute(trx)
        if ((again.rows[0]?.n ?? 0) > 0) return
        await sql`CREATE TEMP TABLE moving ON COMMIT DROP AS
          SELECT * FROM events_default WHERE event_time >= ${from}::timestamptz AND event_time < ${to}::timestamptz`.execute(
          trx,
        )
        await sql`DELETE FROM events_default WHERE event_time >= ${from}::timestamptz AND event_time < ${to}::timestamptz`.execute(
          trx,
        )
        await sql
          .raw(`CREATE TABLE ${name} PARTITION OF events FOR VALUES FROM ('${from}') TO ('${to}')`)
          .execute(trx)
        await sql`INSERT INTO events SELECT * FROM moving`.execute(trx)
      })
    }
    known.add(name)
  }

  return {
    append: (events) => (events.length === 0 ? Promise.resolve([]) : appendByCopy(pool, events)),
    // In parallel: PostgreSQL copies each on its own backend (see postgres-append-order.ts).
    concurrentAppends: 2,
    async readAfter(afterSeq, limit, options = {}) {
      const watermark = await eventSeqWatermark(db)
      if (watermark <= afterSeq) return []
      return readEventsAfter(db, afterSeq, limit, watermark, options.parse ?? true)
    },
    async prepareDays(days) {
      for (const day of days) await ensurePartition(dayStart(day))
    },
    async deleteOlderThan(cutoff) {
      const boundary = dayStart(cutoff)
      const partitions = await sql<{ name: string }>`
        SELECT c.relname AS name FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = 'events' AND c.relname ~ '^events_[0-9]{8}$'`.execute(db)
      let dropped = 0
      for (const { name } of partitions.rows) {
        const day = new Date(`${name.slice(7, 11)}-${name.slice(11, 13)}-${name.slice(13, 15)}T00:00:00Z`)
        if (day.getTime() + DAY_MS > boundary.getTime()) continue
        const counted = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(name)}`.execute(
          db,
        )
        dropped += counted.rows[0]?.n ?? 0
        await sql`DROP TABLE ${sql.table(name)}`.execute(db)
        known.delete(name)
      }
      const trimmed = await db.deleteFrom('events').where('event_time', '<', cutoff).executeTakeFirst()
      return dropped + Number(trimmed.numDeletedRows)
    },
    // PostgreSQL keeps every original in its column.
    loadOriginals: () => Promise.resolve(),
    count: () => countEvents(db),
  }
}
