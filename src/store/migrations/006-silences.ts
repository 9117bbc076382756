import { type Kysely, sql } from 'kysely'
import type { SchemaDialect } from '../ddl/schema-dialect.js'

/** Silences: matched alerts are still recorded, but nobody is notified, until the silence ends. */
export async function up(db: Kysely<unknown>, ddl: SchemaDialect): Promise<void> {
  await sql`CREATE SEQUENCE silences_id_seq START 1`.execute(db)
  await sql
    .raw(`CREATE TABLE silences (
    id BIGINT PRIMARY KEY DEFAULT nextval('silences_id_seq'),
    matchers ${ddl.jsonType} NOT NULL,
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ NOT NULL,
    author VARCHAR NOT NULL,
    comment VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expired_at TIMESTAMPTZ,
    matched_count BIGINT NOT NULL DEFAULT 0
  )`)
    .execute(db)
  await sql`ALTER TABLE alerts ADD COLUMN silenced_by BIGINT`.execute(db)
}
