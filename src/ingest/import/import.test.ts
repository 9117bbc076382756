import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../test-support/cli-process.js'
import { startTestServer, type TestServer } from '../../test-support/test-server.js'

describe('watchfloor import', () => {
  let server: TestServer
  let token: string
  beforeAll(async () => {
    server = await startTestServer('duckdb')
    token = await server.tokenFor('engineer')
  })
  afterAll(async () => {
    await server?.close()
  })

  it('imports JSON lines, gzip and CSV through the ingest path, dead-lettering what cannot be parsed, with a summary', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wf-import-'))
    writeFileSync(
      path.join(dir, 'a.jsonl'),
      `${JSON.stringify({ EventID: 4624, Computer: 'dc01' })}\n{"broken":\n${JSON.stringify({ EventID: 4625, Computer: 'dc01' })}\n`,
    )
    writeFileSync(
      path.join(dir, 'b.json.gz'),
      gzipSync(
        Array.from({ length: 3_000 }, (_, n) => JSON.stringify({ n, message: `line ${n}` })).join('\n'),
      ),
    )
    writeFileSync(
      path.join(dir, 'c.csv'),
      'time,user,action\n2026-11-22T10:00:00Z,alice,login\n2026-11-22T10:01:00Z,bob,logout\n',
    )
    const result = await runCli(['import', '--source', 'backfill', dir], {
      env: { WATCHFLOOR_URL: server.baseUrl, WATCHFLOOR_TOKEN: token },
    })
    expect(result.stderr).toMatch(/^import: 3,005 records/m)
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/imported 3,004 events from 3,005 records/)
    expect(result.stdout).toMatch(/1 dead-lettered/)
    expect(result.stdout).toMatch(/a\.jsonl:2: /)
    expect(await server.services.store.events.count()).toBe(3_004)
    const letters = await server.services.store.db
      .selectFrom('dead_letters')
      .select(['raw', 'input'])
      .execute()
    expect(letters).toEqual([{ raw: '{"broken":', input: 'http' }])
  })

  it('says clearly when a path does not exist', async () => {
    const result = await runCli(['import', '--source', 'x', '/nonexistent/logs'], {
      env: { WATCHFLOOR_URL: server.baseUrl, WATCHFLOOR_TOKEN: token },
    })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/nonexistent/)
  })
})
