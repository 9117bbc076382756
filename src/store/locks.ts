import { sql } from 'kysely'
import type { ChainLock } from './store.js'

/** DuckDB serialises every transaction on one connection (see duckdb-dialect.ts): nothing to take. */
export const duckdbChainLock: ChainLock = {
  async lockAuditChain() {},
}

/** A transaction-scoped advisory lock: released by COMMIT or ROLLBACK, held across nodes. */
const AUDIT_CHAIN_LOCK_KEY = 0x5746_4155 // "WFAU"

export const postgresChainLock: ChainLock = {
  async lockAuditChain(trx) {
    await sql`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY})`.execute(trx)
  },
}
