import type { Kysely, Transaction } from 'kysely'
import type { SchemaDialect } from './ddl/schema-dialect.js'
import type { EventStore } from './events/event-store.js'
import type { Database } from './schema.js'

export type Engine = 'duckdb' | 'postgres'

/** Serialises writers of a hash chain (the audit log) across every node sharing the database. */
export interface ChainLock {
  /** Held until the transaction ends. */
  lockAuditChain(trx: Transaction<Database>): Promise<void>
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
  readonly locks: ChainLock
  transaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T>
  /** Throws when the database cannot answer; used by /readyz. */
  ping(): Promise<void>
  close(): Promise<void>
}
