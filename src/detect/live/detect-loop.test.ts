import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINES } from '../../test-support/stores.js'
import { startTestServer, type TestServer } from '../../test-support/test-server.js'
import { DetectLoop } from './detect-loop.js'

const RULE = `title: Encoded PowerShell command line
id: 5b0e2a55-1111-4e2b-9d3a-7f1c7a000001
status: test
level: high
tags: [attack.execution, attack.t1059.001]
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '\\powershell.exe'
    CommandLine|contains: ' -enc '
  condition: selection
`

function rulesDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wf-rules-'))
  writeFileSync(path.join(dir, 'powershell.yml'), RULE)
  return dir
}

const sysmon = (n: number, commandLine: string) =>
  JSON.stringify({
    EventID: 1,
    Channel: 'Microsoft-Windows-Sysmon/Operational',
    Hostname: 'ws1',
    Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    CommandLine: commandLine,
    n,
  })

for (const engine of ENGINES) {
  describe(`${engine}: live detection`, () => {
    let server: TestServer
    let loop: DetectLoop
    let engineer: string
    beforeAll(async () => {
      server = await startTestServer(engine, { rulesDirs: [rulesDir()] })
      loop = new DetectLoop(server.services.store, server.services.rules, pino({ level: 'silent' }), {
        batchSize: 3,
      })
      await server.services.rules.reload()
      engineer = await server.tokenFor('engineer')
    })
    afterAll(async () => {
      await server?.close()
    })

    it('turns committed events into detections, with the cursor, and never doubles them on replay', async () => {
      const body = [
        sysmon(1, 'powershell.exe -nop -enc SQBFAFgA'),
        sysmon(2, 'powershell.exe Get-Date'),
        sysmon(3, 'powershell -w hidden -enc AAAA'),
        sysmon(4, 'x'),
      ].join('\n')
      expect(
        (await server.request('/api/v1/ingest/sysmon', { method: 'POST', token: engineer, body })).status,
      ).toBe(200)
      while ((await loop.runOnce()) > 0) {}
      const detections = (await (await server.request('/api/v1/detections', { token: engineer })).json()) as {
        items: {
          ruleId: string
          level: string
          tags: string[]
          matched: Record<string, unknown>
          eventSeqs: number[]
        }[]
      }
      expect(detections.items).toHaveLength(2)
      expect(detections.items[0]).toMatchObject({
        ruleId: '5b0e2a55-1111-4e2b-9d3a-7f1c7a000001',
        level: 'high',
        tags: ['attack.execution', 'attack.t1059.001'],
      })
      expect(detections.items[0]!.matched).toHaveProperty('CommandLine')

      // A crash before the cursor moved means the same events are read again: no doubles.
      await server.services.store.db.updateTable('detect_cursors').set({ seq: 0 }).execute()
      while ((await loop.runOnce()) > 0) {}
      const again = await server.services.store.db.selectFrom('detections').select('id').execute()
      expect(again).toHaveLength(2)
    })

    it('lists rules and switches one off and on through the API, without a restart', async () => {
      const list = (await (await server.request('/api/v1/rules', { token: engineer })).json()) as {
        total: number
        items: { id: string; enabled: boolean }[]
      }
      expect(list.total).toBe(1)
      const id = list.items[0]!.id
      const off = await server.request(`/api/v1/rules/${id}/disable`, {
        method: 'POST',
        token: engineer,
        body: JSON.stringify({ reason: 'noisy on build servers' }),
      })
      expect(await off.json()).toMatchObject({ enabled: false, disabledReason: 'noisy on build servers' })

      await server.request('/api/v1/ingest/sysmon', {
        method: 'POST',
        token: engineer,
        body: sysmon(5, 'powershell -enc BBBB'),
      })
      while ((await loop.runOnce()) > 0) {}
      expect(await server.services.store.db.selectFrom('detections').select('id').execute()).toHaveLength(2)

      const on = await server.request(`/api/v1/rules/${id}/enable`, {
        method: 'POST',
        token: engineer,
        body: '{}',
      })
      expect(await on.json()).toMatchObject({ enabled: true })
      await server.request('/api/v1/ingest/sysmon', {
        method: 'POST',
        token: engineer,
        body: sysmon(6, 'powershell -enc CCCC'),
      })
      while ((await loop.runOnce()) > 0) {}
      expect(await server.services.store.db.selectFrom('detections').select('id').execute()).toHaveLength(3)
    })

    it('reports rules that fail to load with file and reason', async () => {
      const dir = rulesDir()
      writeFileSync(
        path.join(dir, 'broken.yml'),
        'title: broken\nid: 00000000-0000-0000-0000-000000000000\nlogsource: { product: windows }\ndetection:\n  condition: missing_identifier\n',
      )
      const other = await startTestServer(engine, { rulesDirs: [dir] })
      try {
        const token = await other.tokenFor('viewer')
        const errors = (await (await other.request('/api/v1/rules/errors', { token })).json()) as {
          items: { file: string; message: string }[]
        }
        expect(errors.items).toHaveLength(1)
        expect(errors.items[0]!.file).toContain('broken.yml')
      } finally {
        await other.close()
      }
    })
  })
}
