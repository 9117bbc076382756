import type { Kysely } from 'kysely'

/**
 * DDL that truly differs between the engines. Migrations call these instead of branching on
 * the engine; everything else in a migration is SQL both engines accept.
 */
export interface SchemaDialect {
  /** Column type for JSON documents: DuckDB `JSON`, PostgreSQL `JSONB`. */
  readonly jsonType: string
  /** Creates the events table (partitioned by day on PostgreSQL). */
  createEventsTable(db: Kysely<unknown>): Promise<void>
}
