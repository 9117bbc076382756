import { type Kysely, sql } from 'kysely'
import type { SchemaDialect } from '../ddl/schema-dialect.js'

/**
 * Notifications: channels (secrets encrypted at rest), routes from alerts to channels, and the
 * transactional outbox that workers deliver from under a lease.
 */
export async function up(db: Kysely<unknown>, ddl: SchemaDialect): Promise<void> {
  const json = ddl.jsonType
  await sql`CREATE SEQUENCE notify_channels_id_seq START 1`.execute(db)
  await sql
    .raw(`CREATE TABLE notify_channels (
    id BIGINT PRIMARY KEY DEFAULT nextval('notify_channels_id_seq'),
    name VARCHAR NOT NULL UNIQUE,
    kind VARCHAR NOT NULL,
    settings ${json} NOT NULL,
    secrets_sealed VARCHAR NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
  )`)
    .execute(db)

  await sql`CREATE SEQUENCE notify_routes_id_seq START 1`.execute(db)
  await sql
    .raw(`CREATE TABLE notify_routes (
    id BIGINT PRIMARY KEY DEFAULT nextval('notify_routes_id_seq'),
    name VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    min_severity VARCHAR,
    rule_tags ${json} NOT NULL,
    rule_ids ${json} NOT NULL,
    sources ${json} NOT NULL,
    hosts ${json} NOT NULL,
    users ${json} NOT NULL,
    channel_ids ${json} NOT NULL,
    continue_matching BOOLEAN NOT NULL DEFAULT FALSE,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
  )`)
    .execute(db)

  await sql`CREATE SEQUENCE notification_outbox_id_seq START 1`.execute(db)
  await sql
    .raw(`CREATE TABLE notification_outbox (
    id BIGINT PRIMARY KEY DEFAULT nextval('notification_outbox_id_seq'),
    idempotency_key VARCHAR NOT NULL UNIQUE,
    channel_id BIGINT NOT NULL,
    alert_id BIGINT,
    event VARCHAR NOT NULL,
    payload ${json} NOT NULL,
    status VARCHAR NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    lease_owner VARCHAR,
    lease_expires_at TIMESTAMPTZ,
    last_error VARCHAR,
    digest_id BIGINT,
    created_at TIMESTAMPTZ NOT NULL,
    delivered_at TIMESTAMPTZ
  )`)
    .execute(db)
  await sql`CREATE INDEX notification_outbox_due_idx ON notification_outbox (status, next_attempt_at)`.execute(
    db,
  )
  await sql`CREATE INDEX notification_outbox_channel_idx ON notification_outbox (channel_id, status)`.execute(
    db,
  )
}
