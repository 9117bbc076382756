import { type Kysely, sql } from 'kysely'
import type { SchemaDialect } from '../ddl/schema-dialect.js'

/** Alerts: detections grouped by fingerprint into something a team triages, with its history. */
export async function up(db: Kysely<unknown>, ddl: SchemaDialect): Promise<void> {
  const json = ddl.jsonType
  await sql`CREATE SEQUENCE alerts_id_seq START 1`.execute(db)
  await sql
    .raw(`CREATE TABLE alerts (
    id BIGINT PRIMARY KEY DEFAULT nextval('alerts_id_seq'),
    fingerprint VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    rule_id VARCHAR NOT NULL,
    rule_title VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    risk_score INTEGER NOT NULL,
    status VARCHAR NOT NULL,
    resolution VARCHAR,
    close_comment VARCHAR,
    assignee VARCHAR,
    tags ${json} NOT NULL,
    tactics ${json} NOT NULL,
    techniques ${json} NOT NULL,
    description VARCHAR,
    refs ${json} NOT NULL,
    false_positives ${json} NOT NULL,
    entities ${json} NOT NULL,
    matched ${json} NOT NULL,
    source VARCHAR,
    first_seen TIMESTAMPTZ NOT NULL,
    last_seen TIMESTAMPTZ NOT NULL,
    event_count BIGINT NOT NULL,
    suppressed_count BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    acknowledged_at TIMESTAMPTZ,
    closed_at TIMESTAMPTZ,
    incident_id BIGINT,
    merged_into BIGINT
  )`)
    .execute(db)
  await sql`CREATE INDEX alerts_fingerprint_idx ON alerts (fingerprint, status)`.execute(db)
  await sql`CREATE INDEX alerts_created_idx ON alerts (created_at, id)`.execute(db)
  await sql`CREATE INDEX alerts_status_idx ON alerts (status, severity)`.execute(db)

  await sql`CREATE TABLE alert_events (
    alert_id BIGINT NOT NULL,
    event_seq BIGINT NOT NULL,
    detection_id BIGINT NOT NULL,
    PRIMARY KEY (alert_id, event_seq)
  )`.execute(db)

  await sql`CREATE SEQUENCE alert_history_id_seq START 1`.execute(db)
  await sql
    .raw(`CREATE TABLE alert_history (
    id BIGINT PRIMARY KEY DEFAULT nextval('alert_history_id_seq'),
    alert_id BIGINT NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    actor VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    from_value VARCHAR,
    to_value VARCHAR,
    comment VARCHAR,
    details ${json}
  )`)
    .execute(db)
  await sql`CREATE INDEX alert_history_alert_idx ON alert_history (alert_id, id)`.execute(db)
}
