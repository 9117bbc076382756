import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AlertBuilder } from '../alerts/alert-builder.js'
import { buildDetection, insertDetections, serverAlertBuilder } from '../alerts/test-detections.js'
import { runCli } from '../test-support/cli-process.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'

// Merge and silence-similar are tested on both engines over HTTP (src/alerts/alert-triage.test.ts);
// here the command line itself, against a server on DuckDB.
describe('watchfloor alerts merge | silence-similar', () => {
  let server: TestServer
  let builder: AlertBuilder
  let env: Record<string, string>
  beforeAll(async () => {
    server = await startTestServer('duckdb')
    builder = serverAlertBuilder(server)
    env = { WATCHFLOOR_URL: server.baseUrl, WATCHFLOOR_TOKEN: await server.tokenFor('analyst') }
    await insertDetections(server, [
      buildDetection({ host: 'ws-1' }),
      buildDetection({ host: 'ws-2' }),
      buildDetection({ host: 'ws-3' }),
    ])
    await builder.catchUp()
  })
  afterAll(async () => {
    await builder?.release()
    await server?.close()
  })

  it('merges alerts and silences similar ones', { timeout: 240_000 }, async () => {
    const merged = await runCli(['alerts', 'merge', '1', '2', '3', '-m', 'one intrusion'], { env })
    expect(merged.stdout).toContain('2 merged into 1')
    expect((await server.services.alerts.get(2)).merged_into).toBe(1)
    const silenced = await runCli(
      [
        'alerts',
        'silence-similar',
        '1',
        '--fields',
        'ruleId,host',
        '--duration',
        '4h',
        '--comment',
        'reimage',
      ],
      { env },
    )
    expect(silenced.code).toBe(0)
    expect(silenced.stdout).toMatch(/^silence \d+ until /)
    const [silence] = await server.services.silences.list({ includeEnded: false })
    expect(silence?.matchers).toEqual([
      { field: 'ruleId', op: '=', value: 'rule-mimikatz' },
      { field: 'host', op: '=~', value: 'ws-1|ws-2|ws-3' },
    ])
  })
})
