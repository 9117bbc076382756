import { type Kysely, sql } from 'kysely'
import type { SchemaDialect } from '../ddl/schema-dialect.js'
import { compressOriginalsWithLz4 } from './016-event-compression.js'

/**
 * On PostgreSQL an event's `original` becomes text, as it is on DuckDB: the ingest path has
 * already parsed it (it is valid JSON), and building a jsonb value from 3 KB of JSON was most of
 * the server's work per appended event (30,000 OTRF events: 15.4 µs per row as jsonb, 3.0 as
 * text, 8.4 as json). Text also keeps the original byte for byte, as received: jsonb reordered
 * keys, dropped duplicates and white space, and refused `\u0000` (it was replaced by U+FFFD).
 * JSON queries still apply with a cast (`original::json ->> 'EventID'`; `::jsonb` where no event
 * has `\u0000`). Existing partitions are rewritten once, their rows keeping jsonb's normalised
 * text; new partitions inherit the type. The type change resets the column's compression: lz4 is
 * set again (migration 016).
 */
export async function up(db: Kysely<unknown>, ddl: SchemaDialect): Promise<void> {
  if (ddl.jsonType !== 'JSONB') return
  await sql`ALTER TABLE events ALTER COLUMN original TYPE text USING original::text`.execute(db)
  await compressOriginalsWithLz4(db)
}
