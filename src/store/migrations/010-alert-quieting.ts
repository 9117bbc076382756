import { type Kysely, sql } from 'kysely'
import type { SchemaDialect } from '../ddl/schema-dialect.js'

/**
 * Quieting alerts, with every reason counted: per-rule grouping and suppression settings,
 * exceptions (detections that never become alerts), suppressed detections linked to the alert
 * that holds the window, and counters per reason and rule.
 */
export async function up(db: Kysely<unknown>, ddl: SchemaDialect): Promise<void> {
  const json = ddl.jsonType
  await sql
    .raw(`CREATE TABLE rule_alert_settings (
    rule_id VARCHAR PRIMARY KEY,
    group_by ${json},
    dedup_window_ms BIGINT,
    suppress_by ${json},
    suppress_window_ms BIGINT,
    suppress_after_close VARCHAR,
    updated_by VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
  )`)
    .execute(db)

  await sql`ALTER TABLE alerts ADD COLUMN suppression_key VARCHAR`.execute(db)
  await sql`ALTER TABLE alerts ADD COLUMN suppressed_until TIMESTAMPTZ`.execute(db)
  await sql`CREATE INDEX alerts_suppression_idx ON alerts (suppression_key)`.execute(db)

  await sql`CREATE TABLE alert_suppressed_detections (
    alert_id BIGINT NOT NULL,
    detection_id BIGINT NOT NULL,
    detected_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (alert_id, detection_id)
  )`.execute(db)

  await sql`CREATE SEQUENCE alert_exceptions_id_seq START 1`.execute(db)
  await sql
    .raw(`CREATE TABLE alert_exceptions (
    id BIGINT PRIMARY KEY DEFAULT nextval('alert_exceptions_id_seq'),
    rule_id VARCHAR,
    matchers ${json} NOT NULL,
    owner VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    created_by VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expired_at TIMESTAMPTZ,
    expired_by VARCHAR,
    hit_count BIGINT NOT NULL DEFAULT 0,
    last_hit_at TIMESTAMPTZ
  )`)
    .execute(db)

  await sql`CREATE TABLE alert_quiet_counters (
    day TIMESTAMPTZ NOT NULL,
    reason VARCHAR NOT NULL,
    rule_id VARCHAR NOT NULL,
    total BIGINT NOT NULL,
    PRIMARY KEY (day, reason, rule_id)
  )`.execute(db)
}
