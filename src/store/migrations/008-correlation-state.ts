import { type Kysely, sql } from 'kysely'

/**
 * The correlation engine's open windows, one row per detector (JSON text of
 * `CorrelatorSnapshot`), written in the same transaction as that detector's cursor: a restart
 * resumes its correlations exactly where the cursor says.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE correlation_state (
    name VARCHAR PRIMARY KEY,
    state VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
  )`.execute(db)
}
