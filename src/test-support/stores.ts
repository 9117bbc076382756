import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { openStore } from '../store/open-store.js'
import type { Engine, Store } from '../store/store.js'

/**
 * Every storage test runs on both engines. PostgreSQL comes from WATCHFLOOR_TEST_PG_URL
 * (default: the local server on 127.0.0.1:5432, as the CI script sets it up); each test store
 * gets a fresh database of its own, dropped on close. An unreachable PostgreSQL fails the test,
 * loudly: it is never skipped.
 */
export const ENGINES: readonly Engine[] = ['duckdb', 'postgres']

export const TEST_PG_URL = process.env.WATCHFLOOR_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export interface TestStore {
  store: Store
  close(): Promise<void>
}

export async function openTestStore(
  engine: Engine,
  options: { dataDir?: string | undefined } = {},
): Promise<TestStore> {
  if (engine === 'duckdb') {
    const store = await openStore({
      dataDir: options.dataDir ?? '',
      duckdbFile: options.dataDir ? undefined : ':memory:',
    })
    return { store, close: () => store.close() }
  }
  const { url, drop } = await createScratchDatabase()
  const store = await openStore({ dataDir: '', databaseUrl: url, poolSize: 4 })
  return {
    store,
    async close() {
      await store.close()
      await drop()
    },
  }
}

export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `wf_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: TEST_PG_URL })
  try {
    await admin.connect()
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${TEST_PG_URL} (set WATCHFLOOR_TEST_PG_URL): ${(error as Error).message}`,
    )
  }
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(TEST_PG_URL)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: TEST_PG_URL })
      await client.connect()
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await client.end()
    },
  }
}
