import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINES } from '../../test-support/stores.js'
import { startTestServer, type TestServer } from '../../test-support/test-server.js'
import { DetectLoop } from '../live/detect-loop.js'

const RULES = `title: Encoded PowerShell, three times on one host
id: 9c1e0d2a-7b3f-4e5d-8a6b-2f4c1d0e9a01
level: critical
tags: [attack.execution]
correlation:
  type: event_count
  rules: [encoded_powershell]
  group-by: [Hostname]
  timespan: 10m
  condition: { gte: 3 }
---
title: Encoded PowerShell command line
id: 9c1e0d2a-7b3f-4e5d-8a6b-2f4c1d0e9a02
name: encoded_powershell
level: low
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '\\powershell.exe'
    CommandLine|contains: ' -enc '
  condition: selection
`

const sysmon = (second: number, host: string) =>
  JSON.stringify({
    EventID: 1,
    Channel: 'Microsoft-Windows-Sysmon/Operational',
    '@timestamp': new Date(Date.UTC(2024, 4, 1, 10, 0, second)).toISOString(),
    Hostname: host,
    Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    CommandLine: `powershell.exe -nop -enc QQ${second}`,
  })

for (const engine of ENGINES) {
  describe(`${engine}: correlations in the live detector`, () => {
    let server: TestServer
    let token: string
    beforeAll(async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'wf-corr-'))
      writeFileSync(path.join(dir, 'powershell.yml'), RULES)
      server = await startTestServer(engine, { rulesDirs: [dir] })
      await server.services.rules.reload()
      token = await server.tokenFor('engineer')
    })
    afterAll(async () => {
      await server?.close()
    })

    const ingest = async (body: string) =>
      expect((await server.request('/api/v1/ingest/sysmon', { method: 'POST', token, body })).status).toBe(
        200,
      )
    const newLoop = () =>
      new DetectLoop(server.services.store, server.services.rules, pino({ level: 'silent' }), {
        batchSize: 2,
      })
    const detections = () =>
      server.services.store.db.selectFrom('detections').select(['kind', 'rule_id', 'event_seqs']).execute()

    it('keeps an open window across a restart and stores the correlation once, with the cursor', async () => {
      await ingest([sysmon(1, 'ws1'), sysmon(2, 'ws2'), sysmon(3, 'ws1')].join('\n'))
      const first = newLoop()
      while ((await first.runOnce()) > 0) {}
      // The base rule only feeds the correlation (no generate: true): nothing stored yet.
      expect(await detections()).toEqual([])
      const saved = await server.services.store.db.selectFrom('correlation_state').selectAll().execute()
      expect(saved).toHaveLength(1)

      // A new loop (a restarted node) reads the window back from correlation_state.
      await ingest(sysmon(4, 'ws1'))
      const restarted = newLoop()
      while ((await restarted.runOnce()) > 0) {}
      const stored = await detections()
      expect(stored.map((row) => [row.kind, row.rule_id])).toEqual([
        ['correlation', '9c1e0d2a-7b3f-4e5d-8a6b-2f4c1d0e9a01'],
      ])

      // A replay from an earlier cursor and state produces the same dedup key: no double.
      await server.services.store.db.updateTable('detect_cursors').set({ seq: 0 }).execute()
      await server.services.store.db.deleteFrom('correlation_state').execute()
      const replay = newLoop()
      while ((await replay.runOnce()) > 0) {}
      expect(await detections()).toHaveLength(1)
    })
  })
}
