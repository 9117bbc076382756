import { type Kysely, sql } from 'kysely'
import { EVENT_COLUMNS_SQL } from './events-columns.js'
import type { SchemaDialect } from './schema-dialect.js'

/**
 * `original` is VARCHAR rather than JSON on DuckDB: the ingest path has already parsed it, and
 * skipping DuckDB's JSON validation makes appends about a third faster. JSON functions still
 * apply (`original::JSON`); the event store parses it on read. It is ZSTD-compressed at
 * checkpoint (in files of storage version 1.2 and later, see `DUCKDB_STORAGE_VERSION`): JSON
 * events compress many times over, and the checkpoint writes that much less. A store with a data
 * folder writes '' here and keeps originals in its journal (store/events/originals-journal.ts).
 */
export const duckdbSchemaDialect: SchemaDialect = {
  jsonType: 'JSON',
  async createEventsTable(db: Kysely<unknown>) {
    await sql`CREATE SEQUENCE IF NOT EXISTS events_seq START 1`.execute(db)
    await sql
      .raw(`CREATE TABLE events (
        seq BIGINT PRIMARY KEY DEFAULT nextval('events_seq'),
        ${EVENT_COLUMNS_SQL},
        original VARCHAR NOT NULL USING COMPRESSION zstd
      )`)
      .execute(db)
  },
  async createAlertListIndexes() {},
  async createAlertSearchIndex() {},
  async createEventSeqFunctions() {},
}
