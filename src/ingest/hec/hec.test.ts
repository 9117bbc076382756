import { createRequire } from 'node:module'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINES } from '../../test-support/stores.js'
import { startTestServer, type TestServer } from '../../test-support/test-server.js'

/** Splunk's own HEC logger for Node.js (CommonJS, no types): the slice of it the tests use. */
interface SplunkLogger {
  send(context: { message: unknown; severity?: string; metadata?: Record<string, unknown> }): void
  flush(callback: (error: Error | null, response: { statusCode: number }, body: unknown) => void): void
}
const SplunkLoggerClass = createRequire(import.meta.url)('splunk-logging').Logger as new (config: {
  token: string
  url: string
  maxBatchCount: number
  maxRetries: number
}) => SplunkLogger

interface HecAnswer {
  text: string
  code: number
  ackId?: number
  'invalid-event-number'?: number
}

function flush(logger: SplunkLogger): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    logger.flush((error, response, body) =>
      error ? reject(error) : resolve({ status: response.statusCode, body }),
    )
  })
}

async function eventsOf(server: TestServer, source: string) {
  const rows = await server.services.store.events.readAfter(0, 1_000)
  return rows.filter((row) => row.source === source)
}

for (const engine of ENGINES) {
  describe(`${engine}: Splunk HEC-compatible ingest`, () => {
    let server: TestServer
    let engineerToken: string
    const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
      fetch(`${server.baseUrl}/services/collector${path}`, {
        method: 'POST',
        body: typeof body === 'string' ? body : new Uint8Array(body),
        headers: { authorization: `Splunk ${engineerToken}`, ...headers },
      })
    beforeAll(async () => {
      server = await startTestServer(engine)
      engineerToken = await server.tokenFor('engineer')
    })
    afterAll(async () => {
      await server?.close()
    })

    it('takes a batch from Splunk’s own logger: events back to back, time and host from the envelope', async () => {
      const logger = new SplunkLoggerClass({
        token: engineerToken,
        url: server.baseUrl,
        maxBatchCount: 0,
        maxRetries: 0,
      })
      const times = [new Date('2026-11-22T10:00:00.250Z'), new Date('2026-11-22T10:00:01.500Z')]
      for (const [index, time] of times.entries()) {
        logger.send({
          message: { action: 'login', user: `user${index}` },
          severity: 'info',
          metadata: { time, host: 'web01', index: 'App-Logs', sourcetype: 'app:json' },
        })
      }
      const answer = await flush(logger)
      expect(answer).toEqual({ status: 200, body: { text: 'Success', code: 0 } })
      const events = await eventsOf(server, 'app-logs')
      expect(events.map((event) => event.event_time.toISOString())).toEqual(times.map((t) => t.toISOString()))
      expect(events.map((event) => event.host_name)).toEqual(['web01', 'web01'])
      expect(events[1]!.original).toMatchObject({
        message: { action: 'login', user: 'user1' },
        severity: 'info',
      })
    })

    it('keeps the event’s own time over the envelope’s, takes text events, and reads gzip', async () => {
      const body = [
        JSON.stringify({
          event: { '@timestamp': '2026-11-22T09:00:00Z', message: 'own time', host: 'db01' },
          time: 1_795_000_000,
          host: 'ignored-host',
          index: 'mixed',
        }),
        JSON.stringify({ event: 'plain text line', time: '1795000000.125', host: 'fw01', index: 'mixed' }),
      ].join('')
      const response = await post('/event', gzipSync(body), { 'content-encoding': 'gzip' })
      expect(await response.json()).toEqual({ text: 'Success', code: 0 })
      const [own, text] = await eventsOf(server, 'mixed')
      expect(own!.event_time.toISOString()).toBe('2026-11-22T09:00:00.000Z')
      expect(own!.host_name).toBe('db01')
      expect(text!.event_time.toISOString()).toBe('2026-11-18T11:06:40.125Z')
      expect(text!.host_name).toBe('fw01')
      expect(text!.original).toMatchObject({ message: 'plain text line' })
    })

    it('keeps sourcetype, source and indexed fields as labels, and lets a known sourcetype pick the parser', async () => {
      const line =
        'Nov 22 10:00:00 bastion sshd[811]: Failed password for root from 203.0.113.9 port 4022 ssh2'
      const body = JSON.stringify({
        event: line,
        index: 'auth',
        sourcetype: 'linux_secure',
        source: '/var/log/auth.log',
        fields: { datacenter: 'par1', tier: ['dmz', 'edge'], critical: true },
      })
      expect(await (await post('/event', body)).json()).toEqual({ text: 'Success', code: 0 })
      const [event] = await eventsOf(server, 'auth')
      expect(event!.dataset).toBe('system.auth')
      expect(event!.source_ip).toBe('203.0.113.9')
      expect(event!.labels).toEqual({
        sourcetype: 'linux_secure',
        source: '/var/log/auth.log',
        index: 'auth',
        'fields.datacenter': 'par1',
        'fields.tier': 'dmz,edge',
        'fields.critical': 'true',
      })

      const nested = JSON.stringify({ event: 'x', index: 'auth', fields: { bad: { nested: 1 } } })
      const refused = await post('/event', nested)
      expect(refused.status).toBe(400)
      expect(await refused.json()).toMatchObject({ code: 6, 'invalid-event-number': 0 })
    })

    it('keeps the envelope with a dead letter, so that a replay after a fix labels the event as live input would', async () => {
      const admin = await server.tokenFor('admin')
      await server.request('/api/v1/sources', {
        method: 'POST',
        token: admin,
        body: JSON.stringify({ name: 'trail', parser: 'cef' }),
      })
      const body = JSON.stringify({
        event: { note: 'an object, which the CEF parser cannot read' },
        index: 'trail',
        host: 'collector-7',
        sourcetype: 'app:json',
      })
      expect((await post('/event', body)).status).toBe(200)
      const patched = await server.request('/api/v1/sources/trail', {
        method: 'PATCH',
        token: admin,
        body: JSON.stringify({ parser: 'json' }),
      })
      expect(patched.status).toBe(200)
      const replay = await server.request('/api/v1/dead-letters/replay', {
        method: 'POST',
        token: admin,
        body: JSON.stringify({ source: 'trail' }),
      })
      expect(await replay.json()).toEqual({ replayed: 1, stillFailing: 0, events: 1 })
      const [event] = await eventsOf(server, 'trail')
      expect(event!.host_name).toBe('collector-7')
      expect(event!.labels).toEqual({ sourcetype: 'app:json', index: 'trail' })
    })

    it('writes to the token’s own source with a source token, whatever the index', async () => {
      const admin = await server.tokenFor('admin')
      await server.request('/api/v1/sources', {
        method: 'POST',
        token: admin,
        body: JSON.stringify({ name: 'hec-bound' }),
      })
      const { token } = (await (
        await server.request('/api/v1/sources/hec-bound/token', { method: 'POST', token: admin, body: '{}' })
      ).json()) as { token: string }
      const response = await post('', '{"event":"one","index":"elsewhere"}{"event":"two"}', {
        authorization: `Splunk ${token}`,
      })
      expect(response.status).toBe(200)
      expect(await eventsOf(server, 'hec-bound')).toHaveLength(2)
      expect(await eventsOf(server, 'elsewhere')).toHaveLength(0)
    })

    it('refuses a bad batch as a whole with HEC’s codes, storing none of it', async () => {
      const cases: [string, number, Partial<HecAnswer>][] = [
        ['', 400, { text: 'No data', code: 5 }],
        [
          '{"event":"ok","index":"refused"}{"event": oops}',
          400,
          { text: 'Invalid data format', code: 6, 'invalid-event-number': 1 },
        ],
        [
          '{"event":"ok","index":"refused"} trailing',
          400,
          { text: 'Invalid data format', code: 6, 'invalid-event-number': 1 },
        ],
        [
          '{"event":"ok","index":"refused"}{"time":1}',
          400,
          { text: 'Event field is required', code: 12, 'invalid-event-number': 1 },
        ],
        ['{"event":""}', 400, { text: 'Event field cannot be blank', code: 13, 'invalid-event-number': 0 }],
        ['{"event":"x","index":"%%%"}', 400, { text: 'Incorrect index', code: 7 }],
      ]
      for (const [body, status, answer] of cases) {
        const response = await post('/event', body)
        expect(response.status, body).toBe(status)
        expect(await response.json(), body).toMatchObject(answer)
      }
      expect(await eventsOf(server, 'refused')).toHaveLength(0)
    })

    it('answers authentication failures as Splunk does', async () => {
      const send = (authorization?: string) =>
        fetch(`${server.baseUrl}/services/collector/event`, {
          method: 'POST',
          body: '{"event":"x"}',
          headers: authorization ? { authorization } : {},
        })
      const missing = await send()
      expect(missing.status).toBe(401)
      expect(await missing.json()).toMatchObject({ text: 'Token is required', code: 2 })
      const scheme = await send('Negotiate abc')
      expect(scheme.status).toBe(401)
      expect(await scheme.json()).toMatchObject({ text: 'Invalid authorization', code: 3 })
      const unknown = await send('Splunk wf_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
      expect(unknown.status).toBe(403)
      expect(await unknown.json()).toMatchObject({ text: 'Invalid token', code: 4 })
      const analyst = await send(`Splunk ${await server.tokenFor('analyst')}`)
      expect(analyst.status).toBe(403)
      expect(await analyst.json()).toMatchObject({ text: 'Invalid token', code: 4 })
    })

    it('takes raw lines with host and index from the query, and acknowledges them on a channel', async () => {
      const channel = '0aeeac95-ac74-4aa9-b30d-6c4c0ac581ba'
      const raw = await post(
        '/raw?host=proxy01&index=squid&sourcetype=squid',
        'GET /a 200\r\nGET /b 404\n\n',
        {
          'x-splunk-request-channel': channel,
        },
      )
      expect(await raw.json()).toEqual({ text: 'Success', code: 0, ackId: 0 })
      const events = await eventsOf(server, 'squid')
      expect(
        events.map((event) => [event.host_name, (event.original as { message: string }).message]),
      ).toEqual([
        ['proxy01', 'GET /a 200'],
        ['proxy01', 'GET /b 404'],
      ])
      const second = await post(`/event?channel=${channel}`, '{"event":"again","index":"squid"}')
      expect(await second.json()).toEqual({ text: 'Success', code: 0, ackId: 1 })

      const acks = await post('/ack', JSON.stringify({ acks: [0, 1, 7] }), {
        'x-splunk-request-channel': channel,
      })
      expect(await acks.json()).toEqual({ acks: { 0: true, 1: true, 7: false } })
      const otherChannel = await post('/ack?channel=another', JSON.stringify({ acks: [0] }))
      expect(await otherChannel.json()).toEqual({ acks: { 0: false } })
      const noChannel = await post('/ack', JSON.stringify({ acks: [0] }))
      expect(noChannel.status).toBe(400)
      expect(await noChannel.json()).toMatchObject({ text: 'Data channel is missing', code: 10 })
    })

    it('reports health, and answers unknown paths as HEC does', async () => {
      const response = await fetch(`${server.baseUrl}/services/collector/health`, {
        headers: { authorization: `Splunk ${engineerToken}` },
      })
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({ text: 'HEC is healthy', code: 17 })
      for (const method of ['GET', 'POST']) {
        const missing = await fetch(`${server.baseUrl}/services/collector/nothing`, {
          method,
          headers: { authorization: `Splunk ${engineerToken}` },
        })
        expect(missing.status).toBe(404)
        expect(await missing.json()).toEqual({
          text: 'The requested URL was not found on this server.',
          code: 404,
        })
      }
    })
  })
}

// The queue's limit behaves the same on both engines: one is enough here.
describe('duckdb: HEC when the ingest queue is full', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer('duckdb', { ingestQueueMaxEvents: 0 })
  })
  afterAll(async () => {
    await server?.close()
  })

  it('answers Server is busy with Retry-After, and health says the queues are full', async () => {
    const authorization = `Splunk ${await server.tokenFor('engineer')}`
    const response = await fetch(`${server.baseUrl}/services/collector/event`, {
      method: 'POST',
      body: '{"event":"x"}',
      headers: { authorization },
    })
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe('1')
    expect(await response.json()).toMatchObject({ text: 'Server is busy', code: 9 })
    const health = await fetch(`${server.baseUrl}/services/collector/health/1.0`, {
      headers: { authorization },
    })
    expect(health.status).toBe(503)
    expect(await health.json()).toEqual({ text: 'HEC is unhealthy, queues are full', code: 18 })
  })
})
