import type { AddressInfo } from 'node:net'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../config/load-config.js'
import { buildApp } from '../../server/app.js'
import type { App } from '../../server/context.js'
import { createServices } from '../../server/services.js'
import { openTestStore, type TestStore } from '../../test-support/stores.js'

/**
 * Shippers send all day long: their requests must not fill the log with errors (sending events
 * is not an audited change). This server keeps its log lines to read them.
 */
describe('duckdb: shipper requests and the server log', () => {
  const lines: { level: number; msg: string }[] = []
  let testStore: TestStore
  let app: App
  let baseUrl: string
  let token: string
  beforeAll(async () => {
    testStore = await openTestStore('duckdb')
    const config = { ...loadConfig({ env: {} }), port: 0 }
    const services = createServices(testStore.store, config)
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) })
    app = await buildApp({ config, services }, logger)
    await app.listen({ host: '127.0.0.1', port: 0 })
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    await services.users.ensureBootstrapAdmin('correct horse battery staple')
    const admin = (await services.users.findByUsername('admin'))!
    const actor = { type: 'user', id: admin.id, userId: admin.id, name: 'admin', role: 'admin' } as const
    token = (
      await services.tokens.create({ name: 'shipper', role: 'engineer', userId: admin.id }, actor, {
        ip: '127.0.0.1',
        requestId: 'test',
      })
    ).token
  })
  afterAll(async () => {
    await app?.close()
    await testStore?.close()
  })

  it('logs nothing at warning level or above for batches that are stored', async () => {
    for (let round = 0; round < 2; round++) {
      const answers = await Promise.all([
        fetch(`${baseUrl}/services/collector/event`, {
          method: 'POST',
          body: '{"event":"x","index":"quiet"}',
          headers: { authorization: `Splunk ${token}` },
        }),
        fetch(`${baseUrl}/es/_bulk`, {
          method: 'POST',
          body: '{"index":{"_index":"quiet"}}\n{"a":1}\n',
          headers: { authorization: `ApiKey ${token}`, 'content-type': 'application/x-ndjson' },
        }),
        fetch(`${baseUrl}/v1/logs?source=quiet`, {
          method: 'POST',
          body: '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"x"}}]}]}]}',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        }),
      ])
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200])
    }
    expect(lines).toEqual([])
  })
})
