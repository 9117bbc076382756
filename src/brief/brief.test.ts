import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AlertBuilder } from '../alerts/alert-builder.js'
import type { NewDetection } from '../store/schema.js'
import { runCli } from '../test-support/cli-process.js'
import { ENGINES } from '../test-support/stores.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'
import type { Brief } from './brief.service.js'
import { parseSince } from './brief.service.js'

describe('parseSince', () => {
  const friday = new Date('2026-11-20T15:30:00Z') // a Friday
  it('reads durations, weekdays, yesterday and ISO dates', () => {
    expect(parseSince('72h', friday)?.toISOString()).toBe('2026-11-17T15:30:00.000Z')
    expect(parseSince('3d', friday)?.toISOString()).toBe('2026-11-17T15:30:00.000Z')
    expect(parseSince('monday', friday)?.toISOString()).toBe('2026-11-16T00:00:00.000Z')
    expect(parseSince('friday', friday)?.toISOString()).toBe('2026-11-13T00:00:00.000Z')
    expect(parseSince('yesterday', friday)?.toISOString()).toBe('2026-11-19T00:00:00.000Z')
    expect(parseSince('monday', friday, 'Europe/Paris')?.toISOString()).toBe('2026-11-15T23:00:00.000Z')
    expect(parseSince('2026-11-01T00:00:00Z', friday)?.toISOString()).toBe('2026-11-01T00:00:00.000Z')
    expect(parseSince('last tuesday-ish', friday)).toBeUndefined()
  })
})

let counter = 0
function detection(ruleId: string, title: string, level: string, host: string): NewDetection {
  counter += 1
  return {
    created_at: new Date(),
    detected_at: new Date(Date.now() - 3_600_000),
    kind: 'sigma',
    rule_id: ruleId,
    rule_title: title,
    level,
    tags: JSON.stringify([]),
    source: 'weekend',
    event_seqs: JSON.stringify([counter]),
    matched: JSON.stringify({}),
    dedup_key: `brief:${counter}`,
    context: JSON.stringify({ host }),
  }
}

for (const engine of ENGINES) {
  describe(`${engine}: the brief after a scripted weekend`, () => {
    let server: TestServer
    let analyst: string
    beforeAll(async () => {
      server = await startTestServer(engine)
      analyst = await server.tokenFor('analyst')
      const { store } = server.services
      // Friday evening, before the weekend: one old incident, closed last week, and an old alert.
      const weekAgo = new Date(Date.now() - 7 * 86_400_000)
      await store.db
        .insertInto('incidents')
        .values({
          title: 'Old case',
          severity: 'low',
          tlp: 'amber',
          pap: 'amber',
          status: 'closed',
          resolution: 'false_positive',
          participants: '[]',
          tags: '[]',
          custom_fields: '{}',
          created_by: 'alice',
          created_at: weekAgo,
          updated_at: weekAgo,
          closed_at: weekAgo,
        })
        .execute()
      // The weekend: detections on three hosts, an incident opened and one closed, a follow-up due, a silence ending, a source gone quiet.
      await store.db
        .insertInto('detections')
        .values([
          detection('r-ransom', 'Shadow copies deleted', 'critical', 'fs01'),
          detection('r-ransom', 'Shadow copies deleted', 'critical', 'fs01'),
          detection('r-brute', 'SSH brute force', 'medium', 'bastion'),
          detection('r-brute', 'SSH brute force', 'medium', 'jump2'),
        ])
        .execute()
      const builder = new AlertBuilder(
        store,
        server.services.rules,
        server.services.silences,
        pino({ level: 'silent' }),
      )
      await builder.catchUp()
      await builder.release()
      const alerts = await store.db.selectFrom('alerts').select(['id', 'rule_id']).execute()
      const ransom = alerts.find((a) => a.rule_id === 'r-ransom')!
      const post = (path: string, body: unknown) =>
        server.request(path, { method: 'POST', token: analyst, body: JSON.stringify(body) })
      const incident = (await (
        await post('/api/v1/incidents', { title: 'Ransomware on fs01', alertIds: [ransom.id] })
      ).json()) as { id: number }
      await post(`/api/v1/incidents/${incident.id}/status`, { status: 'containment' })
      await post(`/api/v1/incidents/${incident.id}/tasks`, {
        kind: 'follow_up',
        title: 'Restore fs01 backups test',
        dueAt: new Date(Date.now() - 86_400_000).toISOString(),
      })
      const quick = (await (
        await post('/api/v1/incidents', { title: 'Phish reported by CFO', severity: 'high' })
      ).json()) as { id: number }
      await post(`/api/v1/incidents/${quick.id}/status`, { status: 'closed', resolution: 'benign_positive' })
      await post('/api/v1/silences', {
        matchers: [{ field: 'host', op: '=', value: 'jump2' }],
        endsAt: new Date(Date.now() + 3 * 3_600_000).toISOString(),
        comment: 'jump2 rebuild',
      })
      const now = new Date()
      await store.db
        .insertInto('sources')
        .values({
          name: 'fw-edge',
          parser: 'auto',
          timezone: 'UTC',
          created_at: weekAgo,
          updated_at: weekAgo,
          last_received_at: new Date(now.getTime() - 40 * 3_600_000),
          silent_since: new Date(now.getTime() - 39 * 3_600_000),
          expected_interval_seconds: 600,
        })
        .execute()
    })
    afterAll(async () => {
      await server?.close()
    })

    it('lists exactly what happened since 72h', async () => {
      const brief = (await (
        await server.request('/api/v1/brief?since=72h', { token: analyst })
      ).json()) as Brief
      expect(brief.alerts.newCount).toBe(3)
      expect(brief.alerts.bySeverity.critical).toEqual({ new: 1, open: 1 })
      expect(brief.alerts.bySeverity.medium).toEqual({ new: 2, open: 2 })
      expect(brief.alerts.topRules.map((rule) => [rule.title, rule.alerts, rule.events])).toEqual([
        ['SSH brute force', 2, 2],
        ['Shadow copies deleted', 1, 2],
      ])
      expect(brief.alerts.unassignedCritical.map((alert) => alert.host)).toEqual(['fs01'])
      expect(brief.incidents.opened.map((i) => i.title)).toEqual([
        'Ransomware on fs01',
        'Phish reported by CFO',
      ])
      expect(brief.incidents.closed.map((i) => [i.title, i.resolution])).toEqual([
        ['Phish reported by CFO', 'benign_positive'],
      ])
      expect(brief.incidents.open).toBe(1)
      expect(brief.followUps.due).toEqual([
        expect.objectContaining({ title: 'Restore fs01 backups test', overdue: true }),
      ])
      expect(brief.silences.expiringSoon.map((s) => s.comment)).toEqual(['jump2 rebuild'])
      expect(brief.sources.silent.map((s) => s.name)).toEqual(['fw-edge'])
    })

    it('prints it readably in a terminal with `watchfloor brief`', async () => {
      const result = await runCli(['brief', '--since', '72h'], {
        env: { WATCHFLOOR_URL: server.baseUrl, WATCHFLOOR_TOKEN: analyst },
      })
      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(/ALERTS {2}3 new, 3 still open/)
      expect(result.stdout).toContain('Shadow copies deleted on fs01')
      expect(result.stdout).toContain(`${server.baseUrl}/incidents/`)
      expect(result.stdout).toContain('OVERDUE Restore fs01 backups test')
      expect(result.stdout).toContain('fw-edge silent since')
    })
  })
}
