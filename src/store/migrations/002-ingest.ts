import { type Kysely, sql } from 'kysely'
import type { SchemaDialect } from '../ddl/schema-dialect.js'

export async function up(db: Kysely<unknown>, ddl: SchemaDialect): Promise<void> {
  await sql`CREATE SEQUENCE sources_id_seq START 1`.execute(db)
  await sql`CREATE TABLE sources (
    id BIGINT PRIMARY KEY DEFAULT nextval('sources_id_seq'),
    name VARCHAR NOT NULL UNIQUE,
    description VARCHAR,
    parser VARCHAR NOT NULL,
    timezone VARCHAR NOT NULL,
    expected_interval_seconds BIGINT,
    ingest_lookup_id VARCHAR UNIQUE,
    ingest_secret_hash VARCHAR,
    enabled BOOLEAN NOT NULL DEFAULT true,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    last_event_at TIMESTAMPTZ,
    last_received_at TIMESTAMPTZ,
    events_total BIGINT NOT NULL DEFAULT 0,
    dead_letters_total BIGINT NOT NULL DEFAULT 0,
    silent_since TIMESTAMPTZ
  )`.execute(db)

  await sql`CREATE SEQUENCE dead_letters_id_seq START 1`.execute(db)
  await sql
    .raw(`CREATE TABLE dead_letters (
    id BIGINT PRIMARY KEY DEFAULT nextval('dead_letters_id_seq'),
    received_at TIMESTAMPTZ NOT NULL,
    source VARCHAR NOT NULL,
    parser VARCHAR,
    input VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    location VARCHAR,
    raw VARCHAR NOT NULL,
    raw_encoding VARCHAR NOT NULL,
    raw_truncated BOOLEAN NOT NULL DEFAULT false,
    replayed_at TIMESTAMPTZ,
    replay_count BIGINT NOT NULL DEFAULT 0,
    context ${ddl.jsonType}
  )`)
    .execute(db)
  await sql`CREATE INDEX dead_letters_source_idx ON dead_letters (source, id)`.execute(db)
}
