import type { Kysely } from 'kysely'
import type { MigrationNote, SchemaDialect } from '../ddl/schema-dialect.js'

/**
 * The alert list's free-text search on PostgreSQL read every alert when nothing matched (a
 * `LIKE '%term%'` no B-tree serves): a trigram index where the server allows one.
 */
export async function up(db: Kysely<unknown>, ddl: SchemaDialect, note: MigrationNote): Promise<void> {
  await ddl.createAlertSearchIndex(db, note)
}
