import type { Kysely } from 'kysely'
import type { SchemaDialect } from '../ddl/schema-dialect.js'

/**
 * PostgreSQL appends stop taking turns: each reserves its sequence numbers and marks them in
 * flight, and readers following `seq` stop below the first one in flight (see
 * store/events/postgres-append-order.ts). DuckDB needs nothing.
 */
export async function up(db: Kysely<unknown>, ddl: SchemaDialect): Promise<void> {
  await ddl.createEventSeqFunctions(db)
}
