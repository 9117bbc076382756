import { randomBytes } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import pg from 'pg'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../config/load-config.js'
import { createServices } from '../server/services.js'
import { openStore } from '../store/open-store.js'
import type { Database } from '../store/schema.js'
import { ENGINES, TEST_PG_URL } from '../test-support/stores.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'
import { AlertBuilder } from './alert-builder.js'
import { AlertsService } from './alerts.service.js'
import { buildDetection, insertDetections, serverAlertBuilder } from './test-detections.js'

const TITLES = [
  'Mimikatz command line',
  'Mimikatz DLL loaded by LSASS',
  'DCSync from a non-DC host',
  'Port scan of 100% of ports',
  'Fehlgeschlagene Anmeldung für Administrator',
  'Suspicious PowerShell download cradle',
  'Scheduled task created from a temp folder',
]
/** One alert among hundreds: the search an index is for, with the one that finds nothing. */
const RARE_TITLE = 'Kerberoasting: RC4 service ticket requested'
const SELECTIVE = ['kerberoast', 'no such technique']
/** Free-text searches with what each should find, whatever plan the database chooses. */
const SEARCHES = ['mimikatz', 'DCSYNC', 'dc_ync', '100%', 'FÜR', 'ls', ...SELECTIVE]

/** The rule titles a search should find: any case, `%` and `_` taken literally. */
function expectedTitles(titles: string[], q: string): string[] {
  return titles.filter((title) => title.toLowerCase().includes(q.toLowerCase())).sort()
}

for (const engine of ENGINES) {
  describe(`${engine}: alert free-text search`, () => {
    let server: TestServer
    let analyst: string
    const titles: string[] = []
    beforeAll(async () => {
      server = await startTestServer(engine)
      analyst = await server.tokenFor('analyst')
      // Each rule makes its own alert: most from noisy rules, a few of each title searched for.
      const detections = Array.from({ length: 600 }, (_, n) => {
        const title = `${TITLES[n % 100] ?? 'Noisy rule'} #${n}`
        titles.push(title)
        return buildDetection({ rule_id: `search-${n}`, rule_title: title })
      })
      titles.push(RARE_TITLE)
      detections.push(buildDetection({ rule_id: 'search-rare', rule_title: RARE_TITLE }))
      await insertDetections(server, detections)
      const builder = serverAlertBuilder(server)
      await builder.catchUp()
      await builder.release()
    }, 60_000)
    afterAll(async () => {
      await server?.close()
    })

    it('finds alerts by part of the rule title, in any case, taking % and _ literally', async () => {
      for (const q of SEARCHES) {
        const response = await server.request(`/api/v1/alerts?limit=500&q=${encodeURIComponent(q)}`, {
          token: analyst,
        })
        const page = (await response.json()) as { items: { ruleTitle: string }[] }
        expect(page.items.map((alert) => alert.ruleTitle).sort(), q).toEqual(expectedTitles(titles, q))
      }
    })

    // The index is PostgreSQL's; DuckDB has none (see store/ddl/duckdb.ts).
    if (engine === 'postgres')
      it('answers from the trigram index, with the same alerts as a scan', async () => {
        const db = server.services.store.db
        const indexes = await sql<{ indexdef: string }>`
          SELECT indexdef FROM pg_indexes WHERE indexname = 'alerts_rule_title_trgm_idx'`.execute(db)
        expect(indexes.rows[0]?.indexdef).toContain('gin_trgm_ops')
        for (const q of SEARCHES) {
          const byIndex = await db.transaction().execute(async (trx) => {
            // On a table this small the planner rightly reads everything, by a scan or by walking
            // the time index (it expects a page of matches soon); with those plans off, the plan
            // shows the trigram index serves the very expression the alert filter writes.
            await sql`SET LOCAL enable_seqscan = off`.execute(trx)
            await sql`SET LOCAL enable_indexscan = off`.execute(trx)
            if (SELECTIVE.includes(q)) {
              const plan = (await pageKeys(trx, q).explain())
                .map((row) => String(row['QUERY PLAN']))
                .join('\n')
              expect(plan, q).toContain('Bitmap Index Scan on alerts_rule_title_trgm_idx')
              expect(plan, q).not.toContain('Seq Scan')
            }
            return pageKeys(trx, q).execute()
          })
          const byScan = await db.transaction().execute(async (trx) => {
            // GIN is read by bitmap scans only: without them the trigram index cannot be used.
            await sql`SET LOCAL enable_bitmapscan = off`.execute(trx)
            return pageKeys(trx, q).execute()
          })
          expect(
            byIndex.map((row) => row.id),
            q,
          ).toEqual(byScan.map((row) => row.id))
          expect(byIndex.length, q).toBe(expectedTitles(titles, q).length)
        }
      })
  })
}

/** The alert list's first step (see AlertsService.list): a page's keys for the free text `q`. */
function pageKeys(db: Kysely<Database>, q: string) {
  return db
    .selectFrom('alerts')
    .select(['id', 'created_at'])
    .where('merged_into', 'is', null)
    .where((eb) => eb.and(AlertsService.conditions(eb, { q })))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(500)
}

describe('postgres: alert search where pg_trgm may not be created', () => {
  const suffix = randomBytes(6).toString('hex')
  const role = `wf_noext_${suffix}`
  const database = `wf_test_noext_${suffix}`
  const password = randomBytes(12).toString('hex')
  const admin = () => new pg.Client({ connectionString: TEST_PG_URL })
  beforeAll(async () => {
    const client = admin()
    await client.connect()
    try {
      await client.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`)
      await client.query(`CREATE DATABASE ${database} OWNER ${role}`)
      // Without CREATE on the database a non-superuser may not create even a trusted extension.
      await client.query(`REVOKE CREATE ON DATABASE ${database} FROM ${role}`)
    } finally {
      await client.end()
    }
  })
  afterAll(async () => {
    const client = admin()
    await client.connect()
    try {
      await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
      await client.query(`DROP ROLE IF EXISTS ${role}`)
    } finally {
      await client.end()
    }
  })

  it('migrates without the index, says why in a warning, and still searches', async () => {
    const url = new URL(TEST_PG_URL)
    url.username = role
    url.password = password
    url.pathname = `/${database}`
    const lines: string[] = []
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) })
    const store = await openStore({ dataDir: '', databaseUrl: url.toString(), poolSize: 2, logger })
    try {
      const warnings = lines.map((line) => JSON.parse(line) as { migration: string; msg: string })
      expect(warnings).toEqual([
        expect.objectContaining({
          migration: '018-alert-search-index',
          msg: expect.stringMatching(
            /^alert search stays a sequential scan: the pg_trgm extension could not/,
          ),
        }),
      ])
      const indexes =
        await sql`SELECT 1 FROM pg_indexes WHERE indexname = 'alerts_rule_title_trgm_idx'`.execute(store.db)
      expect(indexes.rows).toEqual([])

      const services = createServices(store, loadConfig({ env: {} }))
      await store.db
        .insertInto('detections')
        .values([
          buildDetection({ rule_id: 'r1', rule_title: 'DCSync from a non-DC host' }),
          buildDetection(),
        ])
        .execute()
      const builder = new AlertBuilder(store, services.rules, services.silences, pino({ level: 'silent' }))
      await builder.catchUp()
      await builder.release()
      const found = await services.alerts.list({ q: 'dcsync' }, { limit: 10, sort: 'created_desc' })
      expect(found.items.map((alert) => alert.rule_title)).toEqual(['DCSync from a non-DC host'])
    } finally {
      await store.close()
    }
  })
})
