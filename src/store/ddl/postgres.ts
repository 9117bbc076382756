import { type Kysely, sql } from 'kysely'
import { CREATE_EVENT_SEQ_FUNCTIONS_SQL } from '../events/postgres-append-order.js'
import { EVENT_COLUMNS_SQL } from './events-columns.js'
import type { MigrationNote, SchemaDialect } from './schema-dialect.js'

/**
 * On PostgreSQL events are range-partitioned by day on event_time, so retention drops whole
 * partitions instead of deleting rows. A default partition catches events outside the days
 * that have a partition (late or far-future timestamps); see store/events/postgres.ts.
 */
export const postgresSchemaDialect: SchemaDialect = {
  jsonType: 'JSONB',
  async createEventsTable(db: Kysely<unknown>) {
    await sql`CREATE SEQUENCE IF NOT EXISTS events_seq START 1`.execute(db)
    await sql
      .raw(`CREATE TABLE events (
        seq BIGINT NOT NULL DEFAULT nextval('events_seq'),
        ${EVENT_COLUMNS_SQL},
        original JSONB NOT NULL, -- text since migration 019 (as received, byte for byte)
        PRIMARY KEY (event_time, seq)
      ) PARTITION BY RANGE (event_time)`)
      .execute(db)
    await sql`CREATE TABLE events_default PARTITION OF events DEFAULT`.execute(db)
    await sql`CREATE INDEX events_seq_idx ON events (seq)`.execute(db)
  },
  async createAlertListIndexes(db: Kysely<unknown>) {
    // Each filter the console uses, in the default sort order; and the other sorts.
    await sql`CREATE INDEX alerts_rule_created_idx ON alerts (rule_id, created_at, id)`.execute(db)
    await sql`CREATE INDEX alerts_assignee_created_idx ON alerts (assignee, created_at, id)`.execute(db)
    await sql`CREATE INDEX alerts_last_seen_idx ON alerts (last_seen, id)`.execute(db)
    await sql`CREATE INDEX alerts_risk_idx ON alerts (risk_score, id)`.execute(db)
    await sql`CREATE INDEX alerts_status_risk_idx ON alerts (status, risk_score, id)`.execute(db)
    // The SLA task re-reads the alerts changed since its last run.
    await sql`CREATE INDEX alerts_updated_idx ON alerts (updated_at)`.execute(db)
    // Without statistics on the expression, `lower(rule_title) LIKE '%term%'` is guessed to match
    // almost nothing, and the planner sorts the whole table instead of walking the time index.
    await sql`CREATE STATISTICS alerts_title_lower_stats ON (lower(rule_title)) FROM alerts`.execute(db)
  },
  async createEventSeqFunctions(db: Kysely<unknown>) {
    await sql.raw(CREATE_EVENT_SEQ_FUNCTIONS_SQL).execute(db)
  },
  async createAlertSearchIndex(db: Kysely<unknown>, note: MigrationNote) {
    const trigram = await ensureTrigramExtension(db)
    if ('skipped' in trigram) {
      note(`alert search stays a sequential scan: the pg_trgm extension ${trigram.skipped}`)
      return
    }
    // A B-tree cannot serve `LIKE '%term%'`; trigrams can, and also find quickly that nothing
    // matches. The expression is the one the alert filter compares (alerts.service.ts).
    await sql`CREATE INDEX alerts_rule_title_trgm_idx ON alerts
      USING gin (lower(rule_title) ${sql.id(trigram.schema)}.gin_trgm_ops)`.execute(db)
  },
}

/**
 * Creates pg_trgm unless it is there already. It ships with PostgreSQL's contrib package, which a
 * server may lack, and creating it needs the CREATE privilege on the database (it is a trusted
 * extension); either way the caller goes on without it.
 */
async function ensureTrigramExtension(
  db: Kysely<unknown>,
): Promise<{ schema: string } | { skipped: string }> {
  const available = await sql<{ installed: string | null }>`
    SELECT installed_version AS installed FROM pg_available_extensions WHERE name = 'pg_trgm'`.execute(db)
  const row = available.rows[0]
  if (!row) return { skipped: 'is not available on this server (it comes with the contrib package)' }
  if (row.installed === null) {
    // Migrations run in one transaction, which a failed statement would abort: a savepoint keeps
    // the failure to this statement.
    const guarded = db.isTransaction
    if (guarded) await sql`SAVEPOINT create_pg_trgm`.execute(db)
    try {
      await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db)
      if (guarded) await sql`RELEASE SAVEPOINT create_pg_trgm`.execute(db)
    } catch (error) {
      if (guarded) await sql`ROLLBACK TO SAVEPOINT create_pg_trgm`.execute(db)
      return { skipped: `could not be created: ${error instanceof Error ? error.message : String(error)}` }
    }
  }
  // Installed in whatever schema its creator chose (often `extensions` on managed services).
  const schema = await sql<{ schema: string }>`
    SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_trgm'`.execute(db)
  const name = schema.rows[0]?.schema
  return name ? { schema: name } : { skipped: 'was not found after creating it' }
}
