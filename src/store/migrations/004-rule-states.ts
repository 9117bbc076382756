import { type Kysely, sql } from 'kysely'

/** Per-rule switches made through the API or CLI; rules themselves live in files. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE rule_states (
    rule_id VARCHAR PRIMARY KEY,
    enabled BOOLEAN NOT NULL,
    reason VARCHAR,
    updated_by VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
  )`.execute(db)
}
