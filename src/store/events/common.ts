import type { Kysely } from 'kysely'
import type { StoredEvent } from '../../core/event.js'
import type { Database, EventRow } from '../schema.js'
import { eventToRow, INSERT_CHUNK_ROWS } from './rows.js'

/** The parts of the event store that are the same SQL on both engines. */
export async function insertEventRows(
  db: Kysely<Database>,
  events: readonly StoredEvent[],
): Promise<number[]> {
  const seqs: number[] = []
  for (let start = 0; start < events.length; start += INSERT_CHUNK_ROWS) {
    const rows = events.slice(start, start + INSERT_CHUNK_ROWS).map(eventToRow)
    const inserted = await db.insertInto('events').values(rows).returning('seq').execute()
    for (const row of inserted) seqs.push(row.seq)
  }
  return seqs
}

export function readEventsAfter(db: Kysely<Database>, afterSeq: number, limit: number): Promise<EventRow[]> {
  return db.selectFrom('events').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute()
}

export async function countEvents(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
