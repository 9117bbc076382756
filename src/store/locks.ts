import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import type pg from 'pg'
import type { Locks } from './store.js'

/** A transaction-scoped advisory lock: released by COMMIT or ROLLBACK, held across nodes. */
const AUDIT_CHAIN_LOCK_KEY = 0x5746_4155 // "WFAU"

function lockKey(name: string): bigint {
  return createHash('sha256').update(`watchfloor:${name}`).digest().readBigInt64BE(0)
}

/**
 * DuckDB serialises every transaction on one connection (see duckdb-dialect.ts) and a DuckDB
 * file has one process: every lock is granted at once.
 */
export const duckdbLocks: Locks = {
  async lockAuditChain() {},
  async tryLeadership() {
    return { release: async () => {} }
  },
}

export function postgresLocks(pool: pg.Pool): Locks {
  return {
    async lockAuditChain(trx) {
      await sql`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY})`.execute(trx)
    },
    /**
     * A session-level advisory lock on a connection set aside for it: the node holding it leads
     * (runs a detector partition); when that node dies its session ends, the lock is freed and a
     * standby's next try wins.
     */
    async tryLeadership(name) {
      const client = await pool.connect()
      try {
        const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
          lockKey(name).toString(),
        ])
        if (!result.rows[0]?.locked) {
          client.release()
          return undefined
        }
      } catch (error) {
        client.release()
        throw error
      }
      return {
        async release() {
          try {
            await client.query('SELECT pg_advisory_unlock($1)', [lockKey(name).toString()])
          } finally {
            client.release()
          }
        },
      }
    },
  }
}
