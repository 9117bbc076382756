import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../test-support/cli-process.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'
import { parseExceptionMatcher } from './commands/exceptions.js'

describe('exception matchers on the command line', () => {
  it('reads equals, contains, regex and their negations', () => {
    expect(parseExceptionMatcher('host.name=~build-\\d+')).toEqual({
      field: 'host.name',
      op: 'regex',
      value: 'build-\\d+',
      negate: false,
    })
    expect(parseExceptionMatcher('matched.CommandLine*=nightly.ps1')).toMatchObject({
      field: 'matched.CommandLine',
      op: 'contains',
    })
    expect(parseExceptionMatcher('user!=CORP\\mallory')).toMatchObject({ op: 'equals', negate: true })
    expect(parseExceptionMatcher('user!*=svc_')).toMatchObject({
      op: 'contains',
      negate: true,
      value: 'svc_',
    })
    expect(() => parseExceptionMatcher('host~x')).toThrow(/not a matcher/)
  })
})

// The exception behaviour is tested on both engines over HTTP (src/alerts/alert-quieting.test.ts);
// here the command line itself, against a server on DuckDB.
describe('watchfloor exceptions', () => {
  let server: TestServer
  let env: Record<string, string>
  beforeAll(async () => {
    server = await startTestServer('duckdb')
    env = { WATCHFLOOR_URL: server.baseUrl, WATCHFLOOR_TOKEN: await server.tokenFor('analyst') }
  })
  afterAll(async () => {
    await server?.close()
  })

  // Each command is a fresh tsx process: seconds apiece on a loaded machine.
  it('adds, lists and expires an exception', { timeout: 240_000 }, async () => {
    const added = await runCli(
      [
        'exceptions',
        'add',
        'host=~build-.*',
        'matched.CommandLine*=nightly.ps1',
        '--rule',
        'rule-psexec',
        '--reason',
        'nightly deployment',
        '--expires',
        '30d',
        '--owner',
        'platform-team',
      ],
      { env },
    )
    expect(added.code).toBe(0)
    const id = /exception (\d+) until/.exec(added.stdout)?.[1]
    expect(id).toBeDefined()
    const listed = await runCli(['exceptions', 'list'], { env })
    expect(listed.stdout).toMatch(
      new RegExp(
        `${id}\\s+active\\s+rule-psexec\\s+host=~build-\\.\\* matched\\.CommandLine\\*=nightly\\.ps1\\s+platform-team`,
      ),
    )
    expect((await runCli(['exceptions', 'expire', id!], { env })).stdout).toContain(`exception ${id} expired`)
    expect((await runCli(['exceptions', 'list', '--expired'], { env })).stdout).toMatch(
      new RegExp(`${id}\\s+expired`),
    )
    const noScope = await runCli(['exceptions', 'add', 'host=x', '--reason', 'x', '--expires', '1d'], {
      env,
    })
    expect(noScope.code).toBe(2)
    expect(noScope.stderr).toMatch(/--rule/)
  })
})
