import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../test-support/cli-process.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'

describe('CLI commands that talk to a running server', () => {
  let server: TestServer
  let token: string
  beforeAll(async () => {
    server = await startTestServer('duckdb')
    token = await server.tokenFor('engineer')
  })
  afterAll(async () => {
    await server?.close()
  })

  it('creates, lists and issues tokens for sources', async () => {
    const env = { WATCHFLOOR_URL: server.baseUrl, WATCHFLOOR_TOKEN: token }
    const created = await runCli(
      ['source', 'create', 'fw01', '--parser', 'json', '--timezone', 'Europe/Paris', '--interval', '600'],
      { env },
    )
    expect(created.code).toBe(0)
    expect(created.stdout).toContain('created source fw01 (parser json, Europe/Paris)')
    const listed = await runCli(['source', 'list'], { env })
    expect(listed.stdout).toMatch(/fw01\s+json\s+Europe\/Paris/)
    const issued = await runCli(['source', 'token', 'fw01'], { env })
    expect(issued.stdout.trim()).toMatch(/^wfi_[a-f0-9]{16}_\S{43}$/)
    const bad = await runCli(['source', 'create', 'fw02', '--timezone', 'Mars/Olympus'], { env })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/unknown time zone/)
  })

  it('says how to authenticate when no token is given, and when the server is down', async () => {
    const noToken = await runCli(['rules', 'list'], { env: { WATCHFLOOR_URL: server.baseUrl } })
    expect(noToken.code).toBe(2)
    expect(noToken.stderr).toMatch(/--token/)
    const down = await runCli(['rules', 'list', '--server', 'http://127.0.0.1:1', '--token', token])
    expect(down.code).toBe(3)
    expect(down.stderr).toMatch(/cannot reach/)
  })
})

describe('silence commands', () => {
  let server: TestServer
  let token: string
  beforeAll(async () => {
    server = await startTestServer('duckdb')
    token = await server.tokenFor('analyst')
  })
  afterAll(async () => {
    await server?.close()
  })

  it('adds, lists and expires a silence', async () => {
    const env = { WATCHFLOOR_URL: server.baseUrl, WATCHFLOOR_TOKEN: token }
    const added = await runCli(
      ['silence', 'add', 'host=~build-.*', 'severity!=critical', '--duration', '4h', '--comment', 'reimage'],
      { env },
    )
    expect(added.code).toBe(0)
    const id = /silence (\d+) until/.exec(added.stdout)?.[1]
    expect(id).toBeDefined()
    expect((await runCli(['silence', 'list'], { env })).stdout).toMatch(
      /active\s+host=~build-\.\* severity!=critical/,
    )
    expect((await runCli(['silence', 'expire', id!], { env })).stdout).toContain(`silence ${id} ended`)
    const bad = await runCli(['silence', 'add', 'host~x', '--duration', '4h', '--comment', 'x'], { env })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/not a matcher/)
  })
})

describe('alerts commands', () => {
  let server: TestServer
  let token: string
  beforeAll(async () => {
    server = await startTestServer('duckdb')
    token = await server.tokenFor('analyst')
    const now = new Date()
    await server.services.store.db
      .insertInto('alerts')
      .values({
        fingerprint: 'f1',
        kind: 'sigma',
        rule_id: 'r1',
        rule_title: 'Mimikatz command line',
        severity: 'critical',
        risk_score: 99,
        status: 'new',
        tags: '[]',
        tactics: '[]',
        techniques: '[]',
        refs: '[]',
        false_positives: '[]',
        entities: JSON.stringify({
          hosts: ['ws-17'],
          users: [],
          ips: [],
          processes: [],
          hashes: [],
          domains: [],
          urls: [],
          files: [],
        }),
        matched: '{}',
        first_seen: now,
        last_seen: now,
        event_count: 3,
        created_at: now,
        updated_at: now,
      })
      .execute()
  })
  afterAll(async () => {
    await server?.close()
  })

  it('lists, acknowledges and closes alerts', async () => {
    const env = { WATCHFLOOR_URL: server.baseUrl, WATCHFLOOR_TOKEN: token }
    const listed = await runCli(['alerts', 'list'], { env })
    expect(listed.stdout).toMatch(/1\s+critical\s+new\s+3\s+ws-17/)
    expect((await runCli(['alerts', 'ack', '1'], { env })).stdout).toContain('1 acknowledged')
    const refused = await runCli(['alerts', 'close', '1', '--resolution', 'maybe', '--comment', 'x'], { env })
    expect(refused.code).toBe(2)
    expect(
      (
        await runCli(['alerts', 'close', '1', '--resolution', 'true_positive', '--comment', 'contained'], {
          env,
        })
      ).stdout,
    ).toContain('1 closed')
    expect((await runCli(['alerts', 'list', '--status', 'closed'], { env })).stdout).toMatch(/closed/)
  })
})
