import { Client, errors } from '@elastic/elasticsearch'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINES } from '../../test-support/stores.js'
import { startTestServer, type TestServer } from '../../test-support/test-server.js'

interface Dropped {
  status: number
  error: { type: string; reason: string } | null
  document: unknown
}

function clientFor(
  server: TestServer,
  auth: { apiKey: string } | { username: string; password: string },
): Client {
  // The official client, pointed at /es as a shipper would be; no retries so that failures show.
  return new Client({ node: `${server.baseUrl}/es`, auth, maxRetries: 0 })
}

async function eventsOf(server: TestServer, source: string) {
  const rows = await server.services.store.events.readAfter(0, 1_000)
  return rows.filter((row) => row.source === source)
}

async function sourceIngestToken(server: TestServer, name: string): Promise<string> {
  const admin = await server.tokenFor('admin')
  await server.request('/api/v1/sources', { method: 'POST', token: admin, body: JSON.stringify({ name }) })
  const response = await server.request(`/api/v1/sources/${name}/token`, {
    method: 'POST',
    token: admin,
    body: '{}',
  })
  return ((await response.json()) as { token: string }).token
}

for (const engine of ENGINES) {
  describe(`${engine}: Elasticsearch-compatible _bulk`, () => {
    let server: TestServer
    let engineerToken: string
    beforeAll(async () => {
      server = await startTestServer(engine)
      engineerToken = await server.tokenFor('engineer')
    })
    afterAll(async () => {
      await server?.close()
    })

    it('answers the official client’s info and ping as an Elasticsearch 8 cluster', async () => {
      const client = clientFor(server, { apiKey: engineerToken })
      const info = await client.info()
      expect(info.version.number).toMatch(/^8\.\d+\.\d+$/)
      expect(info.version.build_flavor).toBe('default')
      expect(info.tagline).toBe('You Know, for Search')
      expect(await client.ping()).toBe(true)
      const health = await client.cluster.health()
      expect(health.status).toBe('green')
      const license = await client.license.get()
      expect(license.license).toMatchObject({ type: 'basic', status: 'active' })
      await client.close()
    })

    it('stores documents sent with helpers.bulk and dead-letters a document that is not a JSON object', async () => {
      const client = clientFor(server, { apiKey: engineerToken })
      const dropped: Dropped[] = []
      const documents: unknown[] = [
        { '@timestamp': '2026-11-22T10:00:00Z', EventID: 4625, Hostname: 'dc01', message: 'logon failed' },
        { '@timestamp': '2026-11-22T10:00:01Z', EventID: 4624, Hostname: 'dc01', message: 'logon' },
        42,
        { '@timestamp': '2026-11-22T10:00:02Z', EventID: 4634, Hostname: 'dc02', message: 'logoff' },
      ]
      const stats = await client.helpers.bulk({
        datasource: documents,
        onDocument: (document) =>
          (document as { EventID?: number }).EventID === 4624
            ? { create: { _index: 'winlogs-2026.11.22', _id: 'logon-4624' } }
            : { index: { _index: 'winlogs-2026.11.22' } },
        onDrop: (item) => dropped.push(item as unknown as Dropped),
        retries: 0,
      })
      expect(stats).toMatchObject({ total: 4, successful: 3, failed: 1, retry: 0 })
      expect(dropped).toEqual([
        {
          status: 400,
          error: {
            type: 'mapper_parsing_exception',
            reason: 'an Elasticsearch document must be a JSON object',
          },
          document: 42,
          operation: { index: { _index: 'winlogs-2026.11.22' } },
          retried: false,
        },
      ])

      // The daily index name became one source, `winlogs`, created on first use.
      const events = await eventsOf(server, 'winlogs')
      expect(events.map((event) => event.event_code)).toEqual(['4625', '4624', '4634'])
      expect(events[0]!.event_time.toISOString()).toBe('2026-11-22T10:00:00.000Z')
      expect(events[2]!.host_name).toBe('dc02')
      // The action's index and id stay beside the event as labels.
      expect(events[0]!.labels).toEqual({ _index: 'winlogs-2026.11.22' })
      expect(events[1]!.labels).toEqual({ _index: 'winlogs-2026.11.22', _id: 'logon-4624' })
      const letters = (await (
        await server.request('/api/v1/dead-letters?source=winlogs', { token: engineerToken })
      ).json()) as { items: { raw: string; reason: string; location: string }[] }
      expect(letters.items).toMatchObject([
        { raw: '42', reason: 'an Elasticsearch document must be a JSON object', location: 'line 6' },
      ])
      await client.close()
    })

    it('answers every item as Elasticsearch does: created with its sequence number, errors per item', async () => {
      const client = clientFor(server, { apiKey: engineerToken })
      const response = await client.bulk({
        operations: [
          '{"create":{"_index":"proxy-2026.11.22","_id":"req-1"}}',
          '{"url":"https://example.test/","status":200}',
          '{"index":{}}',
          '{"broken": ',
          '{"delete":{"_id":"req-1"}}',
          '{"update":{"_id":"req-1"}}',
          '{"doc":{"status":500}}',
        ],
        index: 'proxy-2026.11.22',
      })
      expect(response.errors).toBe(true)
      const [created, broken, deleted, updated] = response.items
      const stored = await eventsOf(server, 'proxy')
      expect(stored).toHaveLength(1)
      expect(created).toEqual({
        create: {
          _index: 'proxy',
          _id: 'req-1',
          _version: 1,
          result: 'created',
          status: 201,
          _shards: { total: 1, successful: 1, failed: 0 },
          _seq_no: Number(stored[0]!.seq),
          _primary_term: 1,
        },
      })
      expect(broken).toEqual({
        index: {
          _index: 'proxy',
          _id: null,
          status: 400,
          error: { type: 'mapper_parsing_exception', reason: expect.stringMatching(/JSON/) },
        },
      })
      for (const [item, action] of [
        [deleted, 'delete'],
        [updated, 'update'],
      ] as const) {
        expect(item).toEqual({
          [action]: {
            _index: 'proxy-2026.11.22',
            _id: 'req-1',
            status: 400,
            error: { type: 'illegal_argument_exception', reason: expect.stringMatching(/append-only/) },
          },
        })
      }
      await client.close()
    })

    it('creates a new source once when a shipper’s first batches arrive together', async () => {
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, worker) =>
          fetch(`${server.baseUrl}/es/_bulk`, {
            method: 'POST',
            body: `{"index":{"_index":"burst-2026.11.22"}}\n{"worker":${worker}}\n`,
            headers: { authorization: `ApiKey ${engineerToken}`, 'content-type': 'application/x-ndjson' },
          }),
        ),
      )
      expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200))
      expect(await eventsOf(server, 'burst')).toHaveLength(8)
    })

    it('writes to the token’s own source with a source ingest token, whatever the index, over Basic auth', async () => {
      const token = await sourceIngestToken(server, 'edge-fw')
      const client = clientFor(server, { username: 'filebeat', password: token })
      const stats = await client.helpers.bulk({
        datasource: [
          { message: 'deny tcp 10.0.0.1 -> 10.0.0.2:22' },
          { message: 'allow udp 10.0.0.1 -> 8.8.8.8:53' },
        ],
        onDocument: () => ({ create: { _index: 'logs-generic-default' } }),
        retries: 0,
      })
      expect(stats).toMatchObject({ total: 2, successful: 2, failed: 0 })
      expect(await eventsOf(server, 'edge-fw')).toHaveLength(2)
      expect(await eventsOf(server, 'logs-generic-default')).toHaveLength(0)
      // The same token pasted as the client's already-encoded API key works too.
      await expect(clientFor(server, { apiKey: token }).info()).resolves.toMatchObject({
        cluster_name: 'watchfloor',
      })
      await client.close()
    })

    it('acknowledges the template and lifecycle set-up that Beats and Logstash make', async () => {
      const client = clientFor(server, { apiKey: engineerToken })
      await expect(
        client.indices.putIndexTemplate({ name: 'filebeat-8.17.0', index_patterns: ['filebeat-8.17.0*'] }),
      ).resolves.toEqual({ acknowledged: true })
      await expect(
        client.indices.putTemplate({ name: 'logstash', index_patterns: ['logstash-*'] }),
      ).resolves.toEqual({ acknowledged: true })
      await expect(client.indices.existsIndexTemplate({ name: 'filebeat-8.17.0' })).resolves.toBe(true)
      await expect(
        client.ilm.putLifecycle({ name: 'filebeat', policy: { phases: { hot: { actions: {} } } } }),
      ).resolves.toEqual({ acknowledged: true })
      const policy = await client.ilm.getLifecycle({ name: 'filebeat' })
      expect(policy.filebeat).toBeDefined()
      await client.close()
    })

    it('fails a malformed action line for the whole request, with an Elasticsearch error body', async () => {
      const client = clientFor(server, { apiKey: engineerToken })
      const failure = await client
        .bulk({ operations: ['{"index":{}}', '{"a":1}', '{"frobnicate":{}}', '{}'], index: 'x' })
        .catch((error: unknown) => error)
      expect(failure).toBeInstanceOf(errors.ResponseError)
      const { statusCode, body, headers } = (failure as errors.ResponseError).meta
      expect(statusCode).toBe(400)
      expect(headers?.['x-elastic-product']).toBe('Elasticsearch')
      expect(body).toMatchObject({
        status: 400,
        error: {
          type: 'illegal_argument_exception',
          reason: expect.stringContaining('Malformed action/metadata line [3]'),
          root_cause: [{ type: 'illegal_argument_exception' }],
        },
      })
      expect(await eventsOf(server, 'x')).toHaveLength(0)
      await client.close()
    })

    it('refuses unknown tokens and people below engineer, as Elasticsearch security errors', async () => {
      const unknown = clientFor(server, {
        apiKey: 'wf_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      })
      const refused = (await unknown.info().catch((error: unknown) => error)) as errors.ResponseError
      expect(refused.meta.statusCode).toBe(401)
      expect(refused.message).toContain('security_exception')
      const analyst = clientFor(server, { apiKey: await server.tokenFor('analyst') })
      const forbidden = (await analyst
        .bulk({ operations: ['{"index":{"_index":"x"}}', '{}'] })
        .catch((error: unknown) => error)) as errors.ResponseError
      expect(forbidden.meta.statusCode).toBe(403)
      const missing = await fetch(`${server.baseUrl}/es/_nothing_here`, {
        headers: { authorization: `Bearer ${engineerToken}` },
      })
      expect(missing.status).toBe(404)
      expect(missing.headers.get('x-elastic-product')).toBe('Elasticsearch')
    })
  })
}

// The queue's limit behaves the same on both engines: one is enough here.
describe('duckdb: Elasticsearch _bulk when the ingest queue is full', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer('duckdb', { ingestQueueMaxEvents: 0 })
  })
  afterAll(async () => {
    await server?.close()
  })

  it('answers 429 per item, which the client retries and finally drops', async () => {
    const client = clientFor(server, { apiKey: await server.tokenFor('engineer') })
    const response = await client.bulk(
      { operations: ['{"index":{"_index":"busy"}}', '{"message":"one"}'] },
      { meta: true },
    )
    expect(response.headers['retry-after']).toBe('1')
    expect(response.body.items[0]).toMatchObject({
      index: { status: 429, error: { type: 'es_rejected_execution_exception' } },
    })
    const dropped: Dropped[] = []
    const stats = await client.helpers.bulk({
      datasource: [{ message: 'two' }],
      onDocument: () => ({ index: { _index: 'busy' } }),
      onDrop: (item) => dropped.push(item as unknown as Dropped),
      retries: 2,
      wait: 10,
    })
    // The helper counts the lines it sent again: two retries of one action and its document.
    expect(stats).toMatchObject({ total: 1, failed: 1, retry: 4 })
    expect(dropped[0]!.status).toBe(429)
    await client.close()
  })
})
