import { type Kysely, sql } from 'kysely'

/**
 * An incident's alerts (its page, report and RCA pre-fill) are read by `alerts.incident_id`; without
 * an index PostgreSQL read the whole alerts table for each of them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX alerts_incident_idx ON alerts (incident_id, first_seen)`.execute(db)
}
