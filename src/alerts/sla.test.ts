import { randomBytes } from 'node:crypto'
import pino from 'pino'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeliveryWorker } from '../notify/delivery-worker.js'
import { type HttpReceiver, startHttpReceiver } from '../notify/test-support/http-receiver.js'
import type { NewDetection } from '../store/schema.js'
import { ENGINES } from '../test-support/stores.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'
import { AlertBuilder } from './alert-builder.js'
import { AlertSlaService } from './sla.service.js'
import { DEFAULT_SLA_POLICY, type SlaPolicy } from './sla-policy.js'

const SIGNING_SECRET = 'sla-webhook-signing-secret'
let counter = 0

function detection(host: string, level: string): NewDetection {
  counter += 1
  return {
    created_at: new Date(),
    detected_at: new Date(),
    kind: 'sigma',
    rule_id: `rule-sla-${level}`,
    rule_title: `SLA test ${level}`,
    level,
    tags: JSON.stringify(['attack.execution']),
    source: 'sysmon',
    event_seqs: JSON.stringify([counter]),
    matched: JSON.stringify({ Image: 'x.exe' }),
    dedup_key: `sla-test:${counter}`,
    context: JSON.stringify({ host, user: 'alice' }),
  }
}

const SHORT: SlaPolicy = {
  ...DEFAULT_SLA_POLICY,
  targets: { ...DEFAULT_SLA_POLICY.targets, critical: { ack: '1m', close: '1h' } },
}

interface PublicAlert {
  id: number
  severity: string
  sla: {
    state: string
    ack: { state: string; remainingMs: number; breachedAt: string | null; dueAt: string }
    close: { state: string }
  }
}

for (const engine of ENGINES) {
  describe(`${engine}: alert SLAs`, () => {
    let server: TestServer
    let receiver: HttpReceiver
    let admin: string
    let viewer: string
    let builder: AlertBuilder
    let worker: DeliveryWorker

    async function call(path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
      const response = await server.request(path, {
        method: init.method ?? 'GET',
        token: init.token ?? admin,
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      })
      return { status: response.status, json: (await response.json()) as Record<string, unknown> }
    }

    async function raise(host: string, level: string): Promise<number> {
      await server.services.store.db.insertInto('detections').values(detection(host, level)).execute()
      await builder.catchUp()
      const row = await server.services.store.db
        .selectFrom('alerts')
        .select('id')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow()
      return row.id
    }

    beforeAll(async () => {
      server = await startTestServer(engine, { secretKey: randomBytes(32).toString('hex') })
      receiver = await startHttpReceiver({ secret: SIGNING_SECRET })
      admin = await server.tokenFor('admin')
      viewer = await server.tokenFor('viewer')
      builder = new AlertBuilder(
        server.services.store,
        server.services.rules,
        server.services.silences,
        pino({ level: 'silent' }),
        { notify: server.services.notifyRoutes },
      )
      worker = new DeliveryWorker(
        server.services.store,
        server.services.channels,
        {
          leaseMs: 10_000,
          maxAttempts: 3,
          retryBaseMs: 40,
          retryMaxMs: 1_000,
          pollMs: 50,
          concurrency: 4,
          floodThreshold: 20,
          publicUrl: undefined,
        },
        pino({ level: 'silent' }),
      )
      const channel = await call('/api/v1/channels', {
        method: 'POST',
        body: {
          name: 'sla-hook',
          kind: 'webhook',
          config: { url: `${receiver.url}/hook`, secret: SIGNING_SECRET },
        },
      })
      await call('/api/v1/routes', {
        method: 'POST',
        body: { name: 'critical pages', minSeverity: 'critical', channelIds: [channel.json.id] },
      })
    })
    afterAll(async () => {
      await builder.release()
      await receiver.close()
      await server.close()
    })

    it('lets only admins read and change the policy, validates it, and audits the change', async () => {
      const defaults = await call('/api/v1/alerts/sla/policy')
      expect(defaults.status).toBe(200)
      expect(defaults.json).toMatchObject({ version: 0, policy: { targets: { critical: { ack: '15m' } } } })
      expect((await call('/api/v1/alerts/sla/policy', { token: viewer })).status).toBe(403)
      const denied = await call('/api/v1/alerts/sla/policy', { method: 'PUT', body: SHORT, token: viewer })
      expect(denied.status).toBe(403)
      const invalid = await call('/api/v1/alerts/sla/policy', {
        method: 'PUT',
        body: { ...SHORT, targets: { ...SHORT.targets, high: { ack: 'soon', close: '1h' } } },
      })
      expect(invalid.status).toBe(400)
      const updated = await call('/api/v1/alerts/sla/policy', { method: 'PUT', body: SHORT })
      expect(updated.status).toBe(200)
      expect(updated.json).toMatchObject({ version: 1, policy: { targets: { critical: { ack: '1m' } } } })
      const audit = await call('/api/v1/audit?action=alert.sla_policy.update')
      expect(JSON.stringify(audit.json)).toContain('alert.sla_policy.update')
    })

    it('records a breach once, notifies it once to the receiver, and shows it on the alert', async () => {
      const late = await raise('web01', 'critical')
      // The alert was raised five minutes ago: its one-minute acknowledge target has passed.
      await server.services.store.db
        .updateTable('alerts')
        .set({ created_at: new Date(Date.now() - 5 * 60_000) })
        .where('id', '=', late)
        .execute()
      const fresh = await raise('web02', 'high')
      // Two workers at once (a second service on the same database): one breach between them.
      const otherRegistry = new Registry()
      const other = new AlertSlaService(server.services.store, DEFAULT_SLA_POLICY, {
        notify: server.services.notifyRoutes,
        registry: otherRegistry,
      })
      const runs = await Promise.all([server.services.alertSla.runOnce(), other.runOnce()])
      expect(runs.reduce((sum, run) => sum + run.breaches, 0)).toBe(1)
      expect((await server.services.alertSla.runOnce()).breaches).toBe(0)
      for (let round = 0; round < 20 && (await worker.runOnce()) > 0; round += 1) {}

      const breaches = receiver.requests.filter(
        (request) => (request.json as { event?: string }).event === 'alert.sla_breach',
      )
      expect(breaches).toHaveLength(1)
      expect(breaches[0]!.signatureValid).toBe(true)
      expect(breaches[0]!.json).toMatchObject({
        alert: { id: late, severity: 'critical' },
        sla: { kind: 'ack' },
      })
      expect(breaches[0]!.idempotencyKey).toMatch(/^alert-\d+:sla_breach:ack:ch-\d+$/)

      const detail = await call(`/api/v1/alerts/${late}`, { token: viewer })
      const shown = detail.json as unknown as PublicAlert & { history: { action: string; to: string }[] }
      expect(shown.sla.state).toBe('breached')
      expect(shown.sla.ack.state).toBe('breached')
      expect(shown.sla.ack.breachedAt).not.toBeNull()
      expect(shown.sla.ack.remainingMs).toBeLessThan(0)
      expect(shown.sla.close.state).toBe('ok')
      expect(shown.history.filter((entry) => entry.action === 'sla_breach')).toEqual([
        expect.objectContaining({ to: 'ack' }),
      ])

      const list = async (query: string) =>
        ((await call(`/api/v1/alerts?${query}`, { token: viewer })).json.items as PublicAlert[]).map(
          (item) => item.id,
        )
      expect(await list('sla=breached')).toEqual([late])
      expect(await list('sla=ok')).toEqual([fresh])
      expect(await list('sla=at_risk,met')).toEqual([])
      // Fifty minutes on, the high alert is in the last quarter of its one-hour target.
      await server.services.alertSla.runOnce(new Date(Date.now() + 50 * 60_000))
      expect(await list('sla=at_risk')).toEqual([fresh])
      expect(await list('sla=breached')).toEqual([late])
      const listed = (await call('/api/v1/alerts', { token: viewer })).json.items as PublicAlert[]
      expect(listed.find((item) => item.id === fresh)?.sla.ack.remainingMs).toBeGreaterThan(0)

      const counts = await call('/api/v1/alerts/sla/breaches', { token: viewer })
      expect(counts.json).toMatchObject({ total: 1, ack: 1, close: 0, bySeverity: { critical: { ack: 1 } } })
      // Counted by the node that recorded it: the two "nodes" together count one.
      const scraped = [
        await (await server.request('/metrics', { token: viewer })).text(),
        await otherRegistry.metrics(),
      ]
      const counted = scraped.map((text) =>
        Number(
          /watchfloor_alert_sla_breaches_total\{kind="ack",severity="critical"\} (\d+)/.exec(text)?.[1] ?? 0,
        ),
      )
      expect(counted[0]! + counted[1]!).toBe(1)
    })

    it('turns met once acknowledged in time', async () => {
      const id = await raise('web03', 'critical')
      await server.services.alertSla.runOnce()
      const acked = await call(`/api/v1/alerts/${id}/acknowledge`, { method: 'POST', body: {} })
      const shown = acked.json as unknown as PublicAlert
      expect(shown.sla.ack.state).toBe('met')
      expect(shown.sla.state).toBe('ok')
    })
  })
}
