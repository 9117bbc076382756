import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AlertBuilder } from '../alerts/alert-builder.js'
import type { NewDetection } from '../store/schema.js'
import { buildEvent } from '../test-support/builders.js'
import { ENGINES } from '../test-support/stores.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'
import { bucketSecondsFor } from './console-stats.routes.js'

interface AlertStats {
  bucketSeconds: number
  raised: { start: string; counts: Record<string, number> }[]
  open: { status: string; severity: string; alerts: number }[]
}
interface SourceStats {
  bucketSeconds: number
  sources: { source: string; points: { start: string; events: number }[] }[]
}

let counter = 0
function detection(host: string, level: string, ruleId = 'rule-stats'): NewDetection {
  counter += 1
  return {
    created_at: new Date(),
    detected_at: new Date(),
    kind: 'sigma',
    rule_id: `${ruleId}-${level}`,
    rule_title: `Stats ${level}`,
    level,
    tags: JSON.stringify([]),
    source: 'sysmon',
    event_seqs: JSON.stringify([counter]),
    matched: JSON.stringify({}),
    dedup_key: `stats:${counter}`,
    context: JSON.stringify({ host }),
  }
}

it('chooses bucket widths that keep a chart to at most 120 points', () => {
  expect(bucketSecondsFor(1)).toBe(300)
  expect(bucketSecondsFor(24)).toBe(900)
  expect(bucketSecondsFor(24 * 7)).toBe(3 * 3_600)
  expect(bucketSecondsFor(24 * 90)).toBe(86_400)
})

for (const engine of ENGINES) {
  describe(`${engine}: console chart statistics`, () => {
    let server: TestServer
    let viewer: string
    let analyst: string
    let builder: AlertBuilder
    beforeAll(async () => {
      server = await startTestServer(engine)
      viewer = await server.tokenFor('viewer')
      analyst = await server.tokenFor('analyst')
      builder = new AlertBuilder(
        server.services.store,
        server.services.rules,
        server.services.silences,
        pino({ level: 'silent' }),
      )
    })
    afterAll(async () => {
      await builder?.release()
      await server?.close()
    })

    it('counts stored events per source per bucket inside the window only', async () => {
      const now = Date.now()
      const at = (msAgo: number) => new Date(now - msAgo)
      await server.services.store.events.append([
        buildEvent({ source: 'firewall', timestamp: at(30 * 60_000) }),
        buildEvent({ source: 'firewall', timestamp: at(30 * 60_000) }),
        buildEvent({ source: 'firewall', timestamp: at(5 * 3_600_000) }),
        buildEvent({ source: 'dns', timestamp: at(2 * 3_600_000) }),
        // Older than the window: not in the chart.
        buildEvent({ source: 'dns', timestamp: at(48 * 3_600_000) }),
      ])
      const response = await server.request('/api/v1/console/stats/sources?hours=24', { token: viewer })
      expect(response.status).toBe(200)
      const stats = (await response.json()) as SourceStats
      expect(stats.bucketSeconds).toBe(900)
      const totals = Object.fromEntries(
        stats.sources.map((s) => [s.source, s.points.reduce((sum, p) => sum + p.events, 0)]),
      )
      expect(totals).toEqual({ dns: 1, firewall: 3 })
      const firewall = stats.sources.find((s) => s.source === 'firewall')!
      expect(firewall.points).toHaveLength(2)
      for (const point of firewall.points) {
        expect(new Date(point.start).getTime() % (900 * 1000)).toBe(0)
      }
    })

    it('counts alerts raised by severity and open alerts by status', async () => {
      await server.services.store.db
        .insertInto('detections')
        .values([detection('ws-1', 'high'), detection('ws-2', 'high'), detection('ws-3', 'critical')])
        .execute()
      await builder.catchUp()
      const { items } = (await (
        await server.request('/api/v1/alerts?severity=critical', { token: analyst })
      ).json()) as { items: { id: number }[] }
      const acknowledged = await server.request(`/api/v1/alerts/${items[0]!.id}/acknowledge`, {
        method: 'POST',
        token: analyst,
        body: '{}',
      })
      expect(acknowledged.status).toBe(200)

      const stats = (await (
        await server.request('/api/v1/console/stats/alerts?hours=6', { token: viewer })
      ).json()) as AlertStats
      const raised: Record<string, number> = {}
      for (const bucket of stats.raised) {
        for (const [severity, count] of Object.entries(bucket.counts))
          raised[severity] = (raised[severity] ?? 0) + count
      }
      expect(raised).toEqual({ critical: 1, high: 2 })
      expect(stats.open).toEqual([
        { status: 'acknowledged', severity: 'critical', alerts: 1 },
        { status: 'new', severity: 'high', alerts: 2 },
      ])
    })

    it('refuses a window beyond 90 days and answers 401 without a login', async () => {
      const tooLong = await server.request('/api/v1/console/stats/alerts?hours=5000', { token: viewer })
      expect(tooLong.status).toBe(400)
      expect((await server.request('/api/v1/console/stats/sources')).status).toBe(401)
    })
  })
}
