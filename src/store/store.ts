import type { Kysely, Transaction } from 'kysely'
import type { SchemaDialect } from './ddl/schema-dialect.js'
import type { EventStore } from './events/event-store.js'
import type { OutboxStore } from './outbox/outbox-store.js'
import type { Database } from './schema.js'

export type Engine = 'duckdb' | 'postgres'

export interface Leadership {
  release(): Promise<void>
}

/** Coordination between nodes sharing one database. */
export interface Locks {
  /** Serialises writers of the audit hash chain; held until the transaction ends. */
  lockAuditChain(trx: Transaction<Database>): Promise<void>
  /** Becomes the one node doing `name` (e.g. a detector partition), or undefined when another node is. */
  tryLeadership(name: string): Promise<Leadership | undefined>
}

/**
 * The one storage interface. Services use `db` (Kysely) for portable queries and the concern
 * objects (`events`, `locks`) for what differs between engines; they never branch on `engine`.
 */
export interface Store {
  readonly engine: Engine
  readonly db: Kysely<Database>
  readonly ddl: SchemaDialect
  readonly events: EventStore
  readonly locks: Locks
  readonly outbox: OutboxStore
  transaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T>
  /** Throws when the database cannot answer; used by /readyz. */
  ping(): Promise<void>
  /**
   * Makes everything committed part of the main database file (DuckDB: CHECKPOINT; PostgreSQL
   * does this itself). Called after migrations, so schema changes never depend on WAL replay.
   */
  checkpoint(): Promise<void>
  close(): Promise<void>
}
