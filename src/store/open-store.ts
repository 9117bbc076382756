import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { Logger } from 'pino'
import { OperationalError } from '../core/errors.js'
import { MEMORY_SIZE } from '../core/memory-size.js'
import { duckdbSchemaDialect } from './ddl/duckdb.js'
import { postgresSchemaDialect } from './ddl/postgres.js'
import { DuckDBDialect } from './duckdb/duckdb-dialect.js'
import { duckdbEventStore } from './events/duckdb.js'
import { OriginalsJournal } from './events/originals-journal.js'
import { postgresEventStore } from './events/postgres.js'
import { duckdbLocks, postgresLocks } from './locks.js'
import { migrateToLatest } from './migrate.js'
import { duckdbOutboxStore } from './outbox/duckdb.js'
import { postgresOutboxStore } from './outbox/postgres.js'
import type { Database } from './schema.js'
import type { Store } from './store.js'

export interface StoreOptions {
  /** PostgreSQL connection string; when absent the embedded DuckDB file in `dataDir` is used. */
  databaseUrl?: string | undefined
  dataDir: string
  /** DuckDB only: `:memory:` for throw-away stores in tests. */
  duckdbFile?: string
  poolSize?: number
  migrate?: boolean
  /** DuckDB only: its memory_limit (e.g. `2GB`); DuckDB's own default when absent. */
  duckdbMemoryLimit?: string | undefined
  /** Where migration notes go (warnings); standard error when absent. */
  logger?: Logger | undefined
}

// pg returns int8 as text by default to avoid precision loss; our ids and sequence numbers fit
// in a double, and both engines must hand services the same number type.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => {
  const parsed = Number(value)
  return Number.isSafeInteger(parsed) ? parsed : value
})

export async function openStore(options: StoreOptions): Promise<Store> {
  const store = options.databaseUrl
    ? await openPostgres(options, options.databaseUrl)
    : await openDuckDB(options)
  try {
    if (options.migrate !== false) {
      const { notes } = await migrateToLatest(store)
      for (const { migration, message } of notes) {
        if (options.logger) options.logger.warn({ migration }, message)
        else process.stderr.write(`migration ${migration}: ${message}\n`)
      }
      await store.checkpoint()
    }
  } catch (error) {
    await store.close()
    throw error
  }
  return store
}

/**
 * Storage format of DuckDB files this server creates. DuckDB writes new files in its 1.0 format
 * unless told otherwise, and that format has no ZSTD string compression: events' originals
 * (JSON of a few KB) were stored uncompressed, and a checkpoint spent most of its time writing
 * them. From 1.2 on, `original` is ZSTD-compressed (see the events table). Measured on 150,000
 * OTRF Windows events: 491 MiB → 6 MiB on disk, append + checkpoint 27 → 19 µs of CPU per event,
 * a range of 1,000 events read in 6 instead of 17 ms. A file created by an older Watchfloor keeps
 * its format (DuckDB reads it as before, without the compression). Since migration 022 a store
 * with a data folder keeps originals in its journal instead (events/originals-journal.ts); the
 * column still holds those of an in-memory store and of events stored before.
 */
const DUCKDB_STORAGE_VERSION = 'v1.2.0'

async function openDuckDB(options: StoreOptions): Promise<Store> {
  const file = options.duckdbFile ?? path.join(options.dataDir, 'watchfloor.duckdb')
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true })
  let instance: DuckDBInstance
  try {
    instance = await DuckDBInstance.create(file, { storage_compatibility_version: DUCKDB_STORAGE_VERSION })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const hint = /lock/i.test(message)
      ? ' (another Watchfloor process has it open: stop the server, or use the HTTP API while it runs)'
      : ''
    throw new OperationalError(
      'database_unavailable',
      `cannot open the embedded database ${file}${hint}: ${message}`,
    )
  }
  // DuckDB's default checkpoints every 16 MB of WAL, tuned for analytics; for a stream of events
  // that means a checkpoint every few batches. Measured on 3 KB events: 38,000 → 54,000 rows/s.
  const setup = await instance.connect()
  await setup.run("SET checkpoint_threshold = '1GB'")
  if (options.duckdbMemoryLimit) {
    // DuckDB's SET takes no bound parameter: only a plain size goes into the statement.
    if (!MEMORY_SIZE.test(options.duckdbMemoryLimit))
      throw new OperationalError(
        'invalid_setting',
        `DuckDB memory limit "${options.duckdbMemoryLimit}" is not a size such as 2GB`,
      )
    await setup.run(`SET memory_limit = '${options.duckdbMemoryLimit}'`)
  }
  setup.closeSync()
  const dialect = new DuckDBDialect(instance)
  const db = new Kysely<Database>({ dialect })
  // Originals go to a journal beside the database file (see originals-journal.ts); an in-memory
  // database keeps them in its column.
  const journal = file === ':memory:' ? undefined : await openJournal(`${file}.originals`, db)
  return {
    engine: 'duckdb',
    db,
    ddl: duckdbSchemaDialect,
    events: duckdbEventStore(db, dialect.driver, journal),
    locks: duckdbLocks,
    outbox: duckdbOutboxStore(db),
    transaction: (work) => db.transaction().execute(work),
    async ping() {
      await sql`SELECT 1`.execute(db)
    },
    async checkpoint() {
      await sql`CHECKPOINT`.execute(db)
    },
    async close() {
      await db.destroy()
      await journal?.close()
    },
  }
}

async function openJournal(dir: string, db: Kysely<Database>): Promise<OriginalsJournal> {
  try {
    return await OriginalsJournal.open(dir)
  } catch (error) {
    await db.destroy()
    const message = error instanceof Error ? error.message : String(error)
    throw new OperationalError(
      'database_unavailable',
      `cannot open the events' originals journal ${dir}: ${message}`,
    )
  }
}

async function openPostgres(options: StoreOptions, connectionString: string): Promise<Store> {
  const pool = new pg.Pool({ connectionString, max: options.poolSize ?? 10 })
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {})
  try {
    const client = await pool.connect()
    client.release()
  } catch (error) {
    await pool.end()
    const message = error instanceof Error ? error.message : String(error)
    throw new OperationalError(
      'database_unavailable',
      `cannot reach PostgreSQL at ${redactUrl(connectionString)}: ${message}`,
    )
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  return {
    engine: 'postgres',
    db,
    ddl: postgresSchemaDialect,
    events: postgresEventStore(db, pool),
    locks: postgresLocks(pool),
    outbox: postgresOutboxStore(db),
    transaction: (work) => db.transaction().execute(work),
    async ping() {
      await sql`SELECT 1`.execute(db)
    },
    async checkpoint() {},
    close: () => db.destroy(),
  }
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(unparseable URL)'
  }
}
