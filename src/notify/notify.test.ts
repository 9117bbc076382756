import { randomBytes } from 'node:crypto'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AlertBuilder } from '../alerts/alert-builder.js'
import type { NewDetection } from '../store/schema.js'
import { ENGINES } from '../test-support/stores.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'
import { DeliveryWorker, type DeliveryWorkerOptions } from './delivery-worker.js'
import { type HttpReceiver, startHttpReceiver } from './test-support/http-receiver.js'

const SIGNING_SECRET = 'webhook-signing-secret-123'
const ROUTING_KEY = 'R0UT1NGKEY-abcdef0123456789'
let counter = 0

function detection(host: string, overrides: Partial<NewDetection> = {}): NewDetection {
  counter += 1
  return {
    created_at: new Date(),
    detected_at: new Date(),
    kind: 'sigma',
    rule_id: 'rule-mimikatz',
    rule_title: 'Mimikatz command line',
    level: 'high',
    tags: JSON.stringify(['attack.credential_access']),
    source: 'sysmon',
    event_seqs: JSON.stringify([counter]),
    matched: JSON.stringify({ CommandLine: 'mimikatz.exe' }),
    dedup_key: `notify-test:${counter}`,
    context: JSON.stringify({ host, user: 'CORP\\alice' }),
    ...overrides,
  }
}

const FAST: DeliveryWorkerOptions = {
  leaseMs: 10_000,
  maxAttempts: 3,
  retryBaseMs: 40,
  retryMaxMs: 1_000,
  pollMs: 50,
  concurrency: 4,
  floodThreshold: 20,
  publicUrl: 'https://watchfloor.example',
}

for (const engine of ENGINES) {
  describe(`${engine}: notifications`, () => {
    let server: TestServer
    let receiver: HttpReceiver
    let engineer: string
    let viewer: string
    let builder: AlertBuilder
    let worker: DeliveryWorker

    async function post(path: string, body: unknown, token = engineer): Promise<Record<string, unknown>> {
      const response = await server.request(path, { method: 'POST', token, body: JSON.stringify(body) })
      const json = (await response.json()) as Record<string, unknown>
      if (response.status >= 300) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`)
      return json
    }

    async function raiseAlerts(hosts: string[]): Promise<void> {
      const rows = hosts.map((host) => detection(host))
      for (let start = 0; start < rows.length; start += 500)
        await server.services.store.db
          .insertInto('detections')
          .values(rows.slice(start, start + 500))
          .execute()
      await builder.catchUp()
    }

    async function deliverAll(): Promise<void> {
      for (let round = 0; round < 20 && (await worker.runOnce()) > 0; round += 1) {}
    }

    beforeAll(async () => {
      server = await startTestServer(engine, { secretKey: randomBytes(32).toString('hex') })
      receiver = await startHttpReceiver({ secret: SIGNING_SECRET })
      engineer = await server.tokenFor('engineer')
      viewer = await server.tokenFor('viewer')
      builder = new AlertBuilder(
        server.services.store,
        server.services.rules,
        server.services.silences,
        pino({ level: 'silent' }),
        {
          notify: server.services.notifyRoutes,
        },
      )
      worker = new DeliveryWorker(
        server.services.store,
        server.services.channels,
        FAST,
        pino({ level: 'silent' }),
      )
      const webhook = await post('/api/v1/channels', {
        name: 'soc-webhook',
        kind: 'webhook',
        config: { url: `${receiver.url}/hook?token=s3cret-path-token`, secret: SIGNING_SECRET },
      })
      const pagerduty = await post('/api/v1/channels', {
        name: 'on-call',
        kind: 'pagerduty',
        config: { routingKey: ROUTING_KEY, baseUrl: receiver.url },
      })
      await post('/api/v1/routes', {
        name: 'everything high',
        minSeverity: 'high',
        channelIds: [webhook.id],
        continueMatching: true,
      })
      await post('/api/v1/routes', { name: 'page for dc', hosts: ['dc01'], channelIds: [pagerduty.id] })
    })
    afterAll(async () => {
      await builder.release()
      await receiver.close()
      await server.close()
    })

    it('never returns channel secrets, and only engineers write channels', async () => {
      const response = await server.request('/api/v1/channels', { token: viewer })
      const text = await response.text()
      expect(response.status).toBe(200)
      expect(text).not.toContain('s3cret-path-token')
      expect(text).not.toContain(SIGNING_SECRET)
      expect(text).not.toContain(ROUTING_KEY)
      expect(text).toContain(`${receiver.url}/••••••••`)
      const stored = await server.services.store.db
        .selectFrom('notify_channels')
        .select('secrets_sealed')
        .execute()
      expect(JSON.stringify(stored)).not.toContain(SIGNING_SECRET)
      const denied = await server.request('/api/v1/channels', {
        method: 'POST',
        token: viewer,
        body: JSON.stringify({ name: 'x', kind: 'webhook', config: {} }),
      })
      expect(denied.status).toBe(403)
    })

    it('delivers a new alert once, signed, with its idempotency key; pages PagerDuty and resolves it on close', async () => {
      receiver.requests.length = 0
      await raiseAlerts(['dc01'])
      await deliverAll()
      const hook = receiver.requests.filter((request) => request.path.startsWith('/hook'))
      const pages = receiver.requests.filter((request) => request.path === '/v2/enqueue')
      expect(hook).toHaveLength(1)
      expect(hook[0]!.signatureValid).toBe(true)
      const body = hook[0]!.json as { event: string; alert: { id: number; hosts: string[] }; link: string }
      expect(body.event).toBe('alert.created')
      expect(body.alert.hosts).toEqual(['dc01'])
      expect(body.link).toBe(`https://watchfloor.example/alerts/${body.alert.id}`)
      expect(hook[0]!.idempotencyKey).toMatch(/^alert-\d+:created:ch-\d+$/)
      expect(pages).toHaveLength(1)
      expect(pages[0]!.json).toMatchObject({
        routing_key: ROUTING_KEY,
        event_action: 'trigger',
        dedup_key: `watchfloor-alert-${body.alert.id}`,
        payload: { severity: 'error', source: 'dc01' },
      })

      await server.services.alerts.change([body.alert.id], { status: 'acknowledged' }, server.adminActor, {
        ip: null,
        requestId: 't',
      })
      await server.services.alerts.change(
        [body.alert.id],
        { status: 'closed', resolution: 'true_positive', comment: 'contained' },
        server.adminActor,
        { ip: null, requestId: 't' },
      )
      await deliverAll()
      const actions = receiver.requests
        .filter((request) => request.path === '/v2/enqueue')
        .map((request) => (request.json as { event_action: string; dedup_key: string }).event_action)
      expect(actions).toEqual(['trigger', 'acknowledge', 'resolve'])
      const rows = await server.services.store.db.selectFrom('notification_outbox').select('status').execute()
      expect(rows.every((row) => row.status === 'delivered')).toBe(true)
    })

    it('records a silenced alert but sends nothing for it', async () => {
      await post('/api/v1/silences', {
        matchers: [{ field: 'host', op: '=', value: 'maintenance-box' }],
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        comment: 'patching',
      })
      const before = receiver.requests.length
      await raiseAlerts(['maintenance-box'])
      await deliverAll()
      const alert = await server.services.store.db
        .selectFrom('alerts')
        .select(['id', 'silenced_by'])
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow()
      expect(alert.silenced_by).not.toBeNull()
      const rows = await server.services.store.db
        .selectFrom('notification_outbox')
        .select('id')
        .where('alert_id', '=', alert.id)
        .execute()
      expect(rows).toHaveLength(0)
      expect(receiver.requests.length).toBe(before)
    })

    it('sends a flood of 500 alerts for one channel as one digest, not 500 messages', async () => {
      const before = receiver.requests.length
      await raiseAlerts(Array.from({ length: 500 }, (_, index) => `flood-${index}`))
      await deliverAll()
      const sent = receiver.requests.slice(before)
      expect(sent).toHaveLength(1)
      const body = sent[0]!.json as {
        event: string
        digest: { count: number; alerts: unknown[]; bySeverity: Record<string, number> }
      }
      expect(body.event).toBe('digest')
      expect(body.digest.count).toBe(500)
      expect(body.digest.bySeverity).toEqual({ high: 500 })
      expect(sent[0]!.idempotencyKey).toMatch(/^digest:ch-\d+:\d+-\d+$/)
      const folded = await server.services.store.db
        .selectFrom('notification_outbox')
        .select('id')
        .where('status', '=', 'digested')
        .execute()
      expect(folded).toHaveLength(500)
    })

    it('retries a failing receiver with growing delays, then marks it failed with the error; retry sends again', async () => {
      let failing = true
      const broken = await startHttpReceiver({ answer: () => (failing ? 500 : 200) })
      try {
        const channel = await post('/api/v1/channels', {
          name: 'broken-hook',
          kind: 'webhook',
          config: { url: `${broken.url}/hook`, secret: SIGNING_SECRET },
        })
        await post('/api/v1/routes', {
          name: 'to broken',
          position: 0,
          ruleIds: ['rule-broken'],
          channelIds: [channel.id],
        })
        await server.services.store.db
          .insertInto('detections')
          .values(detection('web-01', { rule_id: 'rule-broken', rule_title: 'Broken route' }))
          .execute()
        await new Promise((resolve) => setTimeout(resolve, 5_100)) // the router is cached for 5 s
        await builder.catchUp()
        for (let round = 0; round < 100 && broken.requests.length < 3; round += 1) {
          await worker.runOnce()
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
        expect(broken.requests).toHaveLength(3)
        const gaps = broken.requests
          .slice(1)
          .map((request, index) => request.receivedAt - broken.requests[index]!.receivedAt)
        expect(gaps[0]).toBeGreaterThanOrEqual(20) // 40 ms with jitter: at least half
        expect(gaps[1]).toBeGreaterThanOrEqual(40) // 80 ms with jitter: at least half
        expect(new Set(broken.requests.map((request) => request.idempotencyKey)).size).toBe(1)

        const failed = (await (
          await server.request(`/api/v1/notifications?status=failed&channelId=${channel.id}`, {
            token: viewer,
          })
        ).json()) as { items: { id: number; attempts: number; lastError: string }[] }
        expect(failed.items).toHaveLength(1)
        expect(failed.items[0]!.attempts).toBe(3)
        expect(failed.items[0]!.lastError).toContain('HTTP 500')

        failing = false
        await post(`/api/v1/notifications/${failed.items[0]!.id}/retry`, {})
        await deliverAll()
        expect(broken.requests).toHaveLength(4)
        const row = await server.services.notifications.get(failed.items[0]!.id)
        expect(row.status).toBe('delivered')
      } finally {
        await broken.close()
      }
    }, 20_000)
  })
}
