import type { Kysely } from 'kysely'

/** Tells the operator something a migration could not do, with the reason (logged at start-up). */
export type MigrationNote = (message: string) => void

/**
 * DDL that truly differs between the engines. Migrations call these instead of branching on
 * the engine; everything else in a migration is SQL both engines accept.
 */
export interface SchemaDialect {
  /** Column type for JSON documents: DuckDB `JSON`, PostgreSQL `JSONB`. */
  readonly jsonType: string
  /** Creates the events table (partitioned by day on PostgreSQL). */
  createEventsTable(db: Kysely<unknown>): Promise<void>
  /**
   * Indexes for the alert list's filters and sorts (migration 011). PostgreSQL: B-trees that walk
   * each sort order within a filter, and statistics on lower(rule_title) so free-text estimates
   * hold. DuckDB: none; its ART indexes only help point lookups and cost memory and insert time,
   * while its scans skip row groups by min/max (alerts are appended in time order).
   */
  createAlertListIndexes(db: Kysely<unknown>): Promise<void>
  /**
   * The index behind the alert list's free text (`q`, `lower(rule_title) LIKE '%…%'`; migration
   * 018). PostgreSQL: a GIN trigram index when the pg_trgm extension exists or can be created,
   * else nothing and a note (the search still works, by scanning). DuckDB: none, as above.
   */
  createAlertSearchIndex(db: Kysely<unknown>, note: MigrationNote): Promise<void>
  /**
   * What parallel appends need so that readers following `seq` never skip a late commit
   * (migration 021). PostgreSQL: the reservation and watermark functions of
   * store/events/postgres-append-order.ts. DuckDB: none; its appends commit in sequence order.
   */
  createEventSeqFunctions(db: Kysely<unknown>): Promise<void>
}
