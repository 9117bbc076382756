import { type Kysely, sql } from 'kysely'
import type { SchemaDialect } from '../ddl/schema-dialect.js'

/**
 * Alert SLAs: the policy (targets per severity, business hours) edited through the API, and per
 * alert the due times computed under that policy plus when each breach was recorded (beside the
 * alert: the SLA task rewrites them when the policy changes).
 * Also the indexes the alert list needs at a million alerts (see bench/alerts.bench.ts).
 */
export async function up(db: Kysely<unknown>, ddl: SchemaDialect): Promise<void> {
  await sql
    .raw(`CREATE TABLE alert_sla_policy (
    id INTEGER PRIMARY KEY,
    policy ${ddl.jsonType} NOT NULL,
    version BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by VARCHAR NOT NULL
  )`)
    .execute(db)
  await sql`CREATE TABLE alert_sla (
    alert_id BIGINT PRIMARY KEY,
    policy_version BIGINT NOT NULL,
    ack_due_at TIMESTAMPTZ NOT NULL,
    ack_risk_at TIMESTAMPTZ NOT NULL,
    close_due_at TIMESTAMPTZ NOT NULL,
    close_risk_at TIMESTAMPTZ NOT NULL,
    ack_breached_at TIMESTAMPTZ,
    close_breached_at TIMESTAMPTZ
  )`.execute(db)
  // The state as of the SLA task's last run, on the alert itself so that filtering by it is a
  // plain column filter inside the list's ordered scan (a join with alert_sla cost DuckDB seconds).
  await sql`ALTER TABLE alerts ADD COLUMN sla_state VARCHAR`.execute(db)
  await sql`CREATE INDEX alert_sla_ack_due_idx ON alert_sla (ack_due_at)`.execute(db)
  await sql`CREATE INDEX alert_sla_close_due_idx ON alert_sla (close_due_at)`.execute(db)
  await sql`CREATE INDEX alert_sla_ack_risk_idx ON alert_sla (ack_risk_at)`.execute(db)
  await sql`CREATE INDEX alert_sla_close_risk_idx ON alert_sla (close_risk_at)`.execute(db)
  await ddl.createAlertListIndexes(db)
}
