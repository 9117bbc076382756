import { type Kysely, sql } from 'kysely'
import type { SchemaDialect } from '../ddl/schema-dialect.js'

/**
 * What an input's envelope says about an event beyond its content: Splunk HEC's `sourcetype`,
 * `source`, `index` and indexed `fields`, an Elasticsearch bulk action's `_index` and `_id`.
 * A flat object of strings, or null; the original event itself stays as it was received.
 */
export async function up(db: Kysely<unknown>, ddl: SchemaDialect): Promise<void> {
  // VARCHAR on DuckDB, as `original` is there (the appender writes text); JSONB on PostgreSQL.
  const type = ddl.jsonType === 'JSONB' ? 'JSONB' : 'VARCHAR'
  await sql.raw(`ALTER TABLE events ADD COLUMN labels ${type}`).execute(db)
}
