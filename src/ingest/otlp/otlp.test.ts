import { gzipSync } from 'node:zlib'
import { SeverityNumber } from '@opentelemetry/api-logs'
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http'
import { OTLPLogExporter as ProtobufLogExporter } from '@opentelemetry/exporter-logs-otlp-proto'
import { resourceFromAttributes } from '@opentelemetry/resources'
import {
  LoggerProvider,
  type LogRecordExporter,
  type ReadableLogRecord,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINES } from '../../test-support/stores.js'
import { startTestServer, type TestServer } from '../../test-support/test-server.js'
import { ExportLogsServiceRequest, ExportLogsServiceResponse, RpcStatus } from './otlp-proto.js'

type ExportResult = Parameters<Parameters<LogRecordExporter['export']>[1]>[0]

/** Passes every export on to the real exporter and keeps what it reported. */
class ObservedExporter implements LogRecordExporter {
  readonly results: ExportResult[] = []
  constructor(private readonly inner: LogRecordExporter) {}
  export(logs: ReadableLogRecord[], done: (result: ExportResult) => void): void {
    this.inner.export(logs, (result) => {
      this.results.push(result)
      done(result)
    })
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown()
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush()
  }
}

async function eventsOf(server: TestServer, source: string) {
  const rows = await server.services.store.events.readAfter(0, 1_000)
  // The SDK's simple processor exports each record in its own request: arrival order is not
  // emission order, so the test reads them in event-time order.
  return rows
    .filter((row) => row.source === source)
    .sort((a, b) => a.event_time.getTime() - b.event_time.getTime() || a.seq - b.seq)
}

function nanos(date: Date): string {
  return (BigInt(date.getTime()) * 1_000_000n).toString()
}

/** An attribute nested deeper than the parser's limit: a record it refuses. */
function deeplyNested(depth: number): unknown {
  let value: unknown = { stringValue: 'bottom' }
  for (let level = 0; level < depth; level++) value = { kvlistValue: { values: [{ key: 'k', value }] } }
  return value
}

for (const engine of ENGINES) {
  describe(`${engine}: OTLP/HTTP logs`, () => {
    let server: TestServer
    let engineerToken: string
    beforeAll(async () => {
      server = await startTestServer(engine)
      engineerToken = await server.tokenFor('engineer')
    })
    afterAll(async () => {
      await server?.close()
    })

    it('takes logs from the OpenTelemetry SDK’s JSON exporter, one source per service', async () => {
      const exporter = new ObservedExporter(
        new JsonLogExporter({
          url: `${server.baseUrl}/v1/logs`,
          headers: { authorization: `Bearer ${engineerToken}` },
        }),
      )
      const provider = new LoggerProvider({
        resource: resourceFromAttributes({ 'service.name': 'Checkout Service', 'host.name': 'web01' }),
        processors: [new SimpleLogRecordProcessor({ exporter })],
      })
      const logger = provider.getLogger('checkout.http', '1.4.0')
      logger.emit({
        timestamp: new Date('2026-11-22T10:00:00.123Z'),
        severityNumber: SeverityNumber.WARN,
        severityText: 'WARN',
        body: 'card declined',
        attributes: { 'user.id': 'u-42', 'http.status_code': 402, retry: false },
      })
      logger.emit({
        timestamp: new Date('2026-11-22T10:00:01Z'),
        severityNumber: SeverityNumber.ERROR,
        body: { order: 'o-7', items: [1, 2] },
      })
      await provider.forceFlush()
      await provider.shutdown()
      expect(exporter.results.map((result) => result.error?.message ?? result.code)).toEqual([0, 0])

      const [declined, structured] = await eventsOf(server, 'checkout-service')
      expect(declined!.event_time.toISOString()).toBe('2026-11-22T10:00:00.123Z')
      expect(declined!.host_name).toBe('web01')
      expect(declined!.original).toMatchObject({
        '@timestamp': '2026-11-22T10:00:00.123Z',
        message: 'card declined',
        severity: 'WARN',
        severity_number: 13,
        attributes: { 'user.id': 'u-42', 'http.status_code': 402, retry: false },
        resource: { 'service.name': 'Checkout Service', 'host.name': 'web01' },
        scope: { name: 'checkout.http', version: '1.4.0' },
      })
      expect(structured!.original).toMatchObject({ body: { order: 'o-7', items: [1, 2] }, severity: 'ERROR' })
    })

    it('takes logs from the SDK’s protobuf exporter; a source token writes to its own source', async () => {
      const admin = await server.tokenFor('admin')
      await server.request('/api/v1/sources', {
        method: 'POST',
        token: admin,
        body: JSON.stringify({ name: 'payments' }),
      })
      const { token } = (await (
        await server.request('/api/v1/sources/payments/token', { method: 'POST', token: admin, body: '{}' })
      ).json()) as { token: string }
      const exporter = new ObservedExporter(
        new ProtobufLogExporter({
          url: `${server.baseUrl}/v1/logs`,
          headers: { authorization: `Bearer ${token}` },
        }),
      )
      const provider = new LoggerProvider({
        resource: resourceFromAttributes({ 'service.name': 'payments-api' }),
        processors: [new SimpleLogRecordProcessor({ exporter })],
      })
      provider.getLogger('payments').emit({
        timestamp: new Date('2026-11-22T11:00:00Z'),
        severityNumber: SeverityNumber.INFO,
        body: 'refund issued',
        eventName: 'refund.issued',
      })
      await provider.forceFlush()
      await provider.shutdown()
      expect(exporter.results.map((result) => result.error?.message ?? result.code)).toEqual([0])
      const [refund] = await eventsOf(server, 'payments')
      expect(refund!.event_time.toISOString()).toBe('2026-11-22T11:00:00.000Z')
      expect(refund!.original).toMatchObject({
        message: 'refund issued',
        severity: 'INFO',
        event_name: 'refund.issued',
        resource: { 'service.name': 'payments-api' },
      })
      expect(await eventsOf(server, 'payments-api')).toHaveLength(0)
    })

    it('decodes a gzip’d protobuf request with every AnyValue kind, ids and the observed time', async () => {
      const observed = new Date('2026-11-22T12:00:00.5Z')
      const message = ExportLogsServiceRequest.fromObject({
        resourceLogs: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'edge' } }] },
            scopeLogs: [
              {
                scope: { name: 'edge.proxy' },
                logRecords: [
                  {
                    observedTimeUnixNano: nanos(observed),
                    severityNumber: 17,
                    severityText: 'error',
                    traceId: Buffer.from('5b8efff798038103d269b633813fc60c', 'hex'),
                    spanId: Buffer.from('eee19b7ec3c1b174', 'hex'),
                    body: {
                      kvlistValue: {
                        values: [
                          { key: 'path', value: { stringValue: '/login' } },
                          { key: 'ratio', value: { doubleValue: 0.25 } },
                          { key: 'bytes', value: { intValue: '9007199254740993' } },
                          { key: 'raw', value: { bytesValue: Buffer.from('hi') } },
                          {
                            key: 'tags',
                            value: { arrayValue: { values: [{ stringValue: 'a' }, { boolValue: true }] } },
                          },
                        ],
                      },
                    },
                  },
                ],
              },
            ],
          },
        ],
      })
      const response = await fetch(`${server.baseUrl}/v1/logs`, {
        method: 'POST',
        body: gzipSync(ExportLogsServiceRequest.encode(message).finish()),
        headers: {
          authorization: `Bearer ${engineerToken}`,
          'content-type': 'application/x-protobuf',
          'content-encoding': 'gzip',
        },
      })
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('application/x-protobuf')
      const answer = ExportLogsServiceResponse.decode(new Uint8Array(await response.arrayBuffer()))
      expect(ExportLogsServiceResponse.toObject(answer)).toEqual({})

      const [event] = await eventsOf(server, 'edge')
      expect(event!.event_time.toISOString()).toBe('2026-11-22T12:00:00.500Z')
      expect(event!.original).toEqual({
        '@timestamp': '2026-11-22T12:00:00.500Z',
        body: { path: '/login', ratio: 0.25, bytes: '9007199254740993', raw: 'aGk=', tags: ['a', true] },
        severity: 'error',
        severity_number: 17,
        trace_id: '5b8efff798038103d269b633813fc60c',
        span_id: 'eee19b7ec3c1b174',
        resource: { 'service.name': 'edge' },
        scope: { name: 'edge.proxy' },
      })
    })

    it('counts records kept as dead letters as rejected in the partial success, and honours ?source=', async () => {
      const request = {
        resourceLogs: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'ignored' } }] },
            scopeLogs: [
              {
                logRecords: [
                  { timeUnixNano: nanos(new Date('2026-11-22T13:00:00Z')), body: { stringValue: 'fine' } },
                  {
                    body: { stringValue: 'too deep' },
                    attributes: [{ key: 'nest', value: deeplyNested(40) }],
                  },
                ],
              },
            ],
          },
        ],
      }
      const response = await fetch(`${server.baseUrl}/v1/logs?source=otel-json`, {
        method: 'POST',
        body: JSON.stringify(request),
        headers: { authorization: `Bearer ${engineerToken}`, 'content-type': 'application/json' },
      })
      expect(response.status).toBe(200)
      const answer = (await response.json()) as {
        partialSuccess: { rejectedLogRecords: string; errorMessage: string }
      }
      expect(answer.partialSuccess.rejectedLogRecords).toBe('1')
      expect(answer.partialSuccess.errorMessage).toContain('resourceLogs[0].scopeLogs[0].logRecords[1]')
      expect(await eventsOf(server, 'otel-json')).toHaveLength(1)
      expect(await eventsOf(server, 'ignored')).toHaveLength(0)
      const letters = (await (
        await server.request('/api/v1/dead-letters?source=otel-json', { token: engineerToken })
      ).json()) as { items: { location: string }[] }
      expect(letters.items).toMatchObject([{ location: 'resourceLogs[0].scopeLogs[0].logRecords[1]' }])
    })

    it('answers malformed requests with a google.rpc.Status in the request’s encoding', async () => {
      const post = (body: string | Uint8Array, contentType: string, token = engineerToken) =>
        fetch(`${server.baseUrl}/v1/logs`, {
          method: 'POST',
          body: typeof body === 'string' ? body : new Uint8Array(body),
          headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
        })
      const badJson = await post('{"resourceLogs": [', 'application/json')
      expect(badJson.status).toBe(400)
      expect(await badJson.json()).toMatchObject({ code: 3, message: expect.stringContaining('JSON') })
      const badShape = await post('{"resourceLogs": {"nope": 1}}', 'application/json')
      expect(badShape.status).toBe(400)
      const badProtobuf = await post(new Uint8Array([0x0a, 0xff, 0xff, 0xff]), 'application/x-protobuf')
      expect(badProtobuf.status).toBe(400)
      expect(badProtobuf.headers.get('content-type')).toBe('application/x-protobuf')
      const status = RpcStatus.toObject(RpcStatus.decode(new Uint8Array(await badProtobuf.arrayBuffer())))
      expect(status).toMatchObject({ code: 3, message: expect.stringContaining('protobuf') })
      expect((await post('x', 'text/plain')).status).toBe(415)
      const analyst = await post('{}', 'application/x-protobuf', await server.tokenFor('analyst'))
      expect(analyst.status).toBe(403)
      expect(RpcStatus.toObject(RpcStatus.decode(new Uint8Array(await analyst.arrayBuffer())))).toMatchObject(
        {
          code: 7,
        },
      )
    })
  })
}

// The queue's limit behaves the same on both engines: one is enough here.
describe('duckdb: OTLP/HTTP logs when the ingest queue is full', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer('duckdb', { ingestQueueMaxEvents: 0 })
  })
  afterAll(async () => {
    await server?.close()
  })

  it('answers 429 with Retry-After, which OTLP clients retry', async () => {
    const response = await fetch(`${server.baseUrl}/v1/logs`, {
      method: 'POST',
      body: JSON.stringify({
        resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'x' } }] }] }],
      }),
      headers: {
        authorization: `Bearer ${await server.tokenFor('engineer')}`,
        'content-type': 'application/json',
      },
    })
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('1')
    expect(await response.json()).toMatchObject({ code: 8 })
  })
})
