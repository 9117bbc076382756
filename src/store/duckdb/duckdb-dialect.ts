import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import {
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresQueryCompiler,
  type QueryCompiler,
  type QueryResult,
} from 'kysely'
import { Mutex } from '../../core/mutex.js'
import { DuckDBIntrospector } from './duckdb-introspector.js'
import { readRows, toDuckDBParameter } from './duckdb-values.js'

/**
 * A small Kysely dialect over `@duckdb/node-api`. DuckDB speaks PostgreSQL's SQL closely enough
 * that Kysely's PostgreSQL query compiler serves as is ($1 parameters, RETURNING, ON CONFLICT).
 *
 * One connection, serialised by a mutex, as Kysely's SQLite driver does: DuckDB is embedded in
 * this process, writers would otherwise meet optimistic-concurrency conflicts, and the queries
 * we run are short. Bulk appends go through `runExclusive` on the same connection.
 */
export class DuckDBDialect implements Dialect {
  readonly driver: DuckDBDriver

  constructor(instance: DuckDBInstance) {
    this.driver = new DuckDBDriver(instance)
  }

  createAdapter(): DialectAdapter {
    return new DuckDBAdapter()
  }

  createDriver(): Driver {
    return this.driver
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler()
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new DuckDBIntrospector(db)
  }
}

class DuckDBAdapter extends PostgresAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true
  }

  // A DuckDB file is opened by one process at a time, so there is no other migrator to exclude.
  override async acquireMigrationLock(): Promise<void> {}
  override async releaseMigrationLock(): Promise<void> {}
}

export class DuckDBDriver implements Driver {
  readonly #instance: DuckDBInstance
  readonly #mutex = new Mutex()
  #connection: DuckDBKyselyConnection | undefined
  readonly #writers: DuckDBConnection[] = []

  constructor(instance: DuckDBInstance) {
    this.#instance = instance
  }

  async init(): Promise<void> {
    this.#connection = new DuckDBKyselyConnection(await this.#instance.connect())
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock()
    return this.#requireConnection()
  }

  async releaseConnection(): Promise<void> {
    this.#mutex.unlock()
  }

  /**
   * A connection of its own for a writer that must not wait behind Kysely's queries (the event
   * appender); closed with the driver.
   */
  async connectWriter(): Promise<DuckDBConnection> {
    const connection = await this.#instance.connect()
    this.#writers.push(connection)
    return connection
  }

  /** Runs `work` with the raw DuckDB connection while no Kysely query can interleave. */
  async runExclusive<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    await this.#mutex.lock()
    try {
      return await work(this.#requireConnection().raw)
    } finally {
      this.#mutex.unlock()
    }
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin transaction'))
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  async destroy(): Promise<void> {
    await this.#mutex.lock()
    try {
      for (const writer of this.#writers.splice(0)) writer.closeSync()
      this.#connection?.raw.closeSync()
      this.#connection = undefined
      this.#instance.closeSync()
    } finally {
      this.#mutex.unlock()
    }
  }

  #requireConnection(): DuckDBKyselyConnection {
    if (!this.#connection) throw new Error('DuckDB driver used before init or after destroy')
    return this.#connection
  }
}

class DuckDBKyselyConnection implements DatabaseConnection {
  readonly raw: DuckDBConnection

  constructor(connection: DuckDBConnection) {
    this.raw = connection
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const parameters = compiledQuery.parameters.map(toDuckDBParameter)
    const reader = await this.raw.runAndReadAll(compiledQuery.sql, parameters)
    const rows = readRows(reader) as R[]
    const kind = compiledQuery.query.kind
    const isWrite = kind === 'InsertQueryNode' || kind === 'UpdateQueryNode' || kind === 'DeleteQueryNode'
    const hasReturning =
      isWrite && 'returning' in compiledQuery.query && compiledQuery.query.returning !== undefined
    if (isWrite && !hasReturning) {
      // Without RETURNING DuckDB answers a single `Count` row: the number of rows changed.
      const count = rows[0] ? Number(Object.values(rows[0] as Record<string, unknown>)[0] ?? 0) : 0
      return { rows: [], numAffectedRows: BigInt(count) }
    }
    return { rows, numAffectedRows: isWrite ? BigInt(rows.length) : undefined }
  }

  // biome-ignore lint/correctness/useYield: streaming is not offered by this dialect; the throw says so.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streamQuery is not supported by the DuckDB dialect; page with keyset queries instead')
  }
}
