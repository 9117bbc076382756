import { type Kysely, sql } from 'kysely'

/**
 * Where an event's original is when it is not in `original` (which then holds ''): a place in the
 * embedded store's originals journal (store/events/originals-journal.ts). Null on PostgreSQL, and
 * for events a DuckDB store kept in the column (in memory, or stored before this migration).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [column, type] of [
    ['original_segment', 'INTEGER'],
    ['original_block', 'BIGINT'],
    ['original_offset', 'INTEGER'],
    ['original_length', 'INTEGER'],
  ] as const) {
    await sql.raw(`ALTER TABLE events ADD COLUMN ${column} ${type}`).execute(db)
  }
}
