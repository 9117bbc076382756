import { type Kysely, sql } from 'kysely'

/**
 * incidents.detected_at held the first event of the incident's alerts and started the
 * incident's own durations, while the RCA and the response metrics started at the first alert.
 * Every measure is now derived from the alerts by metrics/incident-clock.ts, so the column goes.
 * DuckDB refuses to alter a table that has an index, hence the index is dropped and made again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX incidents_status_idx`.execute(db)
  await sql`ALTER TABLE incidents DROP COLUMN detected_at`.execute(db)
  await sql`CREATE INDEX incidents_status_idx ON incidents (status, updated_at)`.execute(db)
}
