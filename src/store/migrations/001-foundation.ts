import { type Kysely, sql } from 'kysely'
import type { SchemaDialect } from '../ddl/schema-dialect.js'

export async function up(db: Kysely<unknown>, ddl: SchemaDialect): Promise<void> {
  await ddl.createEventsTable(db)
  await sql`CREATE INDEX events_time_idx ON events (event_time)`.execute(db)

  await sql`CREATE SEQUENCE users_id_seq START 1`.execute(db)
  await sql`CREATE TABLE users (
    id BIGINT PRIMARY KEY DEFAULT nextval('users_id_seq'),
    username VARCHAR NOT NULL UNIQUE,
    display_name VARCHAR,
    password_hash VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT false,
    must_change_password BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    last_login_at TIMESTAMPTZ
  )`.execute(db)

  await sql`CREATE SEQUENCE api_tokens_id_seq START 1`.execute(db)
  await sql`CREATE TABLE api_tokens (
    id BIGINT PRIMARY KEY DEFAULT nextval('api_tokens_id_seq'),
    name VARCHAR NOT NULL,
    lookup_id VARCHAR NOT NULL UNIQUE,
    secret_hash VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    user_id BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ
  )`.execute(db)

  await sql`CREATE TABLE sessions (
    id_hash VARCHAR PRIMARY KEY,
    user_id BIGINT NOT NULL,
    csrf_token_hash VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    ip VARCHAR,
    user_agent VARCHAR
  )`.execute(db)

  await sql
    .raw(`CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    occurred_at TIMESTAMPTZ NOT NULL,
    actor_type VARCHAR NOT NULL,
    actor_id BIGINT,
    actor_name VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    target_type VARCHAR NOT NULL,
    target_id VARCHAR,
    ip VARCHAR,
    request_id VARCHAR,
    details ${ddl.jsonType} NOT NULL,
    prev_hash VARCHAR NOT NULL,
    hash VARCHAR NOT NULL
  )`)
    .execute(db)
}
