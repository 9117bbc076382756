import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINES, openTestStore, type TestStore } from '../../test-support/stores.js'

for (const engine of ENGINES) {
  describe(`${engine}: an incident's alerts are found by index`, () => {
    let test: TestStore
    beforeAll(async () => {
      test = await openTestStore(engine)
    })
    afterAll(async () => {
      await test?.close()
    })

    it('has the alerts (incident_id, first_seen) index after migrating', async () => {
      const db = test.store.db
      const rows =
        engine === 'postgres'
          ? (
              await sql<{ sql: string }>`
                SELECT indexdef AS sql FROM pg_indexes WHERE indexname = 'alerts_incident_idx'`.execute(db)
            ).rows
          : (
              await sql<{ sql: string }>`
                SELECT sql FROM duckdb_indexes() WHERE index_name = 'alerts_incident_idx'`.execute(db)
            ).rows
      expect(rows[0]?.sql.replace(/\s+/g, ' ')).toMatch(/alerts.*\(incident_id, first_seen\)/)
    })

    if (engine === 'postgres')
      it('lets PostgreSQL read one incident without scanning every alert', async () => {
        const plan = await test.store.db.transaction().execute(async (trx) => {
          // An empty table is scanned whatever its indexes; forbidding the scan shows the index serves.
          await sql`SET LOCAL enable_seqscan = off`.execute(trx)
          const explained = await sql<{ 'QUERY PLAN': string }>`
            EXPLAIN SELECT * FROM alerts WHERE incident_id = ${7} ORDER BY first_seen`.execute(trx)
          return explained.rows.map((row) => row['QUERY PLAN']).join('\n')
        })
        expect(plan).toContain('alerts_incident_idx')
      })
  })
}
