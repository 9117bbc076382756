import { type Kysely, sql } from 'kysely'
import { EVENT_COLUMNS_SQL } from './events-columns.js'
import type { SchemaDialect } from './schema-dialect.js'

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
        original JSONB NOT NULL,
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
}
