import { type Kysely, sql } from 'kysely'
import { EVENT_COLUMNS_SQL } from './events-columns.js'
import type { SchemaDialect } from './schema-dialect.js'

export const duckdbSchemaDialect: SchemaDialect = {
  jsonType: 'JSON',
  async createEventsTable(db: Kysely<unknown>) {
    await sql`CREATE SEQUENCE IF NOT EXISTS events_seq START 1`.execute(db)
    await sql
      .raw(`CREATE TABLE events (
        seq BIGINT PRIMARY KEY DEFAULT nextval('events_seq'),
        ${EVENT_COLUMNS_SQL},
        original JSON NOT NULL
      )`)
      .execute(db)
  },
}
