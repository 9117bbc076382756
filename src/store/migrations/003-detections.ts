import { type Kysely, sql } from 'kysely'
import type { SchemaDialect } from '../ddl/schema-dialect.js'

/**
 * Detections: what the detection role (Sigma rules, correlations) and the system monitors
 * (silent sources) found. Alerts are built from them. The cursor table holds, per detector,
 * the last event sequence it has fully processed, written in the same transaction as the
 * detections it produced.
 */
export async function up(db: Kysely<unknown>, ddl: SchemaDialect): Promise<void> {
  await sql`CREATE SEQUENCE detections_id_seq START 1`.execute(db)
  await sql
    .raw(`CREATE TABLE detections (
    id BIGINT PRIMARY KEY DEFAULT nextval('detections_id_seq'),
    created_at TIMESTAMPTZ NOT NULL,
    detected_at TIMESTAMPTZ NOT NULL,
    kind VARCHAR NOT NULL,
    rule_id VARCHAR NOT NULL,
    rule_title VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    tags ${ddl.jsonType} NOT NULL,
    source VARCHAR,
    event_seqs ${ddl.jsonType} NOT NULL,
    matched ${ddl.jsonType} NOT NULL,
    dedup_key VARCHAR NOT NULL UNIQUE,
    context ${ddl.jsonType}
  )`)
    .execute(db)
  await sql`CREATE INDEX detections_created_idx ON detections (created_at)`.execute(db)
  await sql`CREATE TABLE detect_cursors (
    name VARCHAR PRIMARY KEY,
    seq BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
  )`.execute(db)
}
