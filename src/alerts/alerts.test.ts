import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NewDetection } from '../store/schema.js'
import { ENGINES } from '../test-support/stores.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'
import { AlertBuilder } from './alert-builder.js'

interface PublicAlert {
  id: number
  status: string
  count: number
  severity: string
  tactics: string[]
  techniques: string[]
  entities: Record<string, string[]>
  acknowledgedAt: string | null
  resolution: string | null
}

let detectionCounter = 0

function detection(overrides: Partial<NewDetection> & { host?: string } = {}): NewDetection {
  detectionCounter += 1
  const { host = 'ws-17', ...rest } = overrides
  return {
    created_at: new Date(),
    detected_at: new Date(Date.UTC(2026, 10, 22, 9, 0, 0, detectionCounter)),
    kind: 'sigma',
    rule_id: 'rule-mimikatz',
    rule_title: 'Mimikatz command line',
    level: 'high',
    tags: JSON.stringify(['attack.credential_access', 'attack.t1003.001']),
    source: 'sysmon',
    event_seqs: JSON.stringify([detectionCounter]),
    matched: JSON.stringify({
      CommandLine: 'mimikatz.exe sekurlsa::logonpasswords',
      Hashes: 'SHA256=AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34',
    }),
    dedup_key: `test:${detectionCounter}`,
    context: JSON.stringify({ host, user: 'CORP\\alice' }),
    ...rest,
  }
}

for (const engine of ENGINES) {
  describe(`${engine}: alerts`, () => {
    let server: TestServer
    let builder: AlertBuilder
    let analyst: string
    beforeAll(async () => {
      server = await startTestServer(engine)
      builder = new AlertBuilder(
        server.services.store,
        server.services.rules,
        server.services.silences,
        pino({ level: 'silent' }),
      )
      analyst = await server.tokenFor('analyst')
    })
    afterAll(async () => {
      await builder?.release()
      await server?.close()
    })

    async function insertDetections(rows: NewDetection[]): Promise<void> {
      for (let start = 0; start < rows.length; start += 1_000) {
        await server.services.store.db
          .insertInto('detections')
          .values(rows.slice(start, start + 1_000))
          .execute()
      }
    }

    it('makes one alert with count 10,000 from 10,000 detections of one rule on one host', async () => {
      await insertDetections(Array.from({ length: 10_000 }, () => detection()))
      expect(await builder.catchUp()).toBe(10_000)
      const page = (await (await server.request('/api/v1/alerts', { token: analyst })).json()) as {
        items: PublicAlert[]
      }
      expect(page.items).toHaveLength(1)
      const alert = page.items[0]!
      expect(alert).toMatchObject({
        count: 10_000,
        status: 'new',
        severity: 'high',
        tactics: ['credential_access'],
        techniques: ['T1003.001'],
      })
      expect(alert.entities.hosts).toEqual(['ws-17'])
      expect(alert.entities.users).toEqual(['CORP\\alice'])
      expect(alert.entities.hashes).toEqual([
        'AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34',
      ])

      // Another host is another alert; the same host again joins the open one.
      await insertDetections([detection({ host: 'dc01' }), detection()])
      await builder.catchUp()
      const after = (await (await server.request('/api/v1/alerts', { token: analyst })).json()) as {
        items: PublicAlert[]
      }
      expect(after.items.map((a) => a.count).sort((a, b) => a - b)).toEqual([1, 10_001])
    })

    it('opens one alert per host in a storm of distinct detections, each with its history, entities and event', async () => {
      const hosts = Array.from({ length: 300 }, (_, index) => `storm-${index}`)
      await insertDetections(hosts.map((host) => detection({ host, rule_id: 'rule-storm' })))
      expect(await builder.catchUp()).toBe(300)
      const db = server.services.store.db
      const alerts = await db.selectFrom('alerts').select('id').where('rule_id', '=', 'rule-storm').execute()
      expect(alerts).toHaveLength(300)
      const ids = alerts.map((alert) => alert.id)
      const created = await db
        .selectFrom('alert_history')
        .select('alert_id')
        .where('alert_id', 'in', ids)
        .where('action', '=', 'created')
        .execute()
      expect(new Set(created.map((row) => row.alert_id)).size).toBe(300)
      const linked = await db
        .selectFrom('alert_events')
        .select('alert_id')
        .where('alert_id', 'in', ids)
        .execute()
      expect(new Set(linked.map((row) => row.alert_id)).size).toBe(300)
      const byHost = (await (
        await server.request('/api/v1/alerts?host=STORM-123', { token: analyst })
      ).json()) as { items: PublicAlert[] }
      expect(byHost.items.map((alert) => alert.entities.hosts)).toEqual([['storm-123']])
    })

    it('moves through the lifecycle; closing needs a resolution and a comment; every change is in the history', async () => {
      const { items } = (await (
        await server.request('/api/v1/alerts?sort=created_asc', { token: analyst })
      ).json()) as { items: PublicAlert[] }
      const id = items[0]!.id
      const ack = (await (
        await server.request(`/api/v1/alerts/${id}/acknowledge`, {
          method: 'POST',
          token: analyst,
          body: '{}',
        })
      ).json()) as PublicAlert
      expect(ack.status).toBe('acknowledged')
      expect(ack.acknowledgedAt).not.toBeNull()

      const noReason = await server.request(`/api/v1/alerts/${id}/close`, {
        method: 'POST',
        token: analyst,
        body: JSON.stringify({ comment: 'done' }),
      })
      expect(noReason.status).toBe(400)
      expect(((await noReason.json()) as { error: { code: string } }).error.code).toBe('resolution_required')
      const noComment = await server.request(`/api/v1/alerts/${id}/close`, {
        method: 'POST',
        token: analyst,
        body: JSON.stringify({ resolution: 'true_positive' }),
      })
      expect(((await noComment.json()) as { error: { code: string } }).error.code).toBe('comment_required')

      const closed = await server.request(`/api/v1/alerts/${id}/close`, {
        method: 'POST',
        token: analyst,
        body: JSON.stringify({
          resolution: 'true_positive',
          comment: 'confirmed credential theft on ws-17, host isolated',
        }),
      })
      expect(await closed.json()).toMatchObject({ status: 'closed', resolution: 'true_positive' })
      const reopened = (await (
        await server.request(`/api/v1/alerts/${id}/reopen`, { method: 'POST', token: analyst, body: '{}' })
      ).json()) as PublicAlert
      expect(reopened).toMatchObject({ status: 'new', resolution: null })

      const detail = (await (await server.request(`/api/v1/alerts/${id}`, { token: analyst })).json()) as {
        history: { action: string; from: string | null; to: string | null; actor: string }[]
      }
      expect(detail.history.map((h) => `${h.action}:${h.from ?? ''}>${h.to ?? ''}`)).toEqual([
        'created:>new',
        'status:new>acknowledged',
        'status:acknowledged>closed',
        'reopened:closed>new',
      ])
      expect(detail.history[1]!.actor).toMatch(/^token:/)

      const viewer = await server.tokenFor('viewer')
      expect(
        (
          await server.request(`/api/v1/alerts/${id}/acknowledge`, {
            method: 'POST',
            token: viewer,
            body: '{}',
          })
        ).status,
      ).toBe(403)
    })

    it('filters, sorts and pages with a cursor, and applies bulk actions', async () => {
      await insertDetections(
        Array.from({ length: 30 }, (_, index) =>
          detection({ host: `host-${index}`, rule_id: 'rule-scan', rule_title: 'Port scan', level: 'low' }),
        ),
      )
      await builder.catchUp()
      const seen: number[] = []
      let cursor: string | null = null
      do {
        const query: string = `/api/v1/alerts?ruleId=rule-scan&limit=7${cursor ? `&cursor=${cursor}` : ''}`
        const page = (await (await server.request(query, { token: analyst })).json()) as {
          items: PublicAlert[]
          nextCursor: string | null
        }
        seen.push(...page.items.map((a) => a.id))
        cursor = page.nextCursor
      } while (cursor)
      expect(seen).toHaveLength(30)
      expect(new Set(seen).size).toBe(30)
      expect([...seen].sort((a, b) => b - a)).toEqual(seen)

      const low = (await (
        await server.request('/api/v1/alerts?severity=low&status=new&limit=100', { token: analyst })
      ).json()) as { items: PublicAlert[] }
      expect(low.items).toHaveLength(30)
      const bulk = await server.request('/api/v1/alerts/bulk', {
        method: 'POST',
        token: analyst,
        body: JSON.stringify({
          ids: low.items.map((a) => a.id),
          action: 'close',
          resolution: 'false_positive',
          comment: 'authorised vulnerability scan',
        }),
      })
      expect(await bulk.json()).toMatchObject({ selected: 30, updated: 30 })
      const stillNew = (await (
        await server.request('/api/v1/alerts?severity=low&status=new', { token: analyst })
      ).json()) as { items: PublicAlert[] }
      expect(stillNew.items).toHaveLength(0)
      const bad = await server.request('/api/v1/alerts?status=sleeping', { token: analyst })
      expect(bad.status).toBe(400)
    })

    it('filters by any entity (host, user, hash …), case-insensitively, in the list and in bulk', async () => {
      await insertDetections([
        detection({ host: 'DC-01.corp', rule_id: 'rule-dcsync', rule_title: 'DCSync' }),
        detection({ host: 'dc-01.corp', rule_id: 'rule-dcsync', rule_title: 'DCSync' }),
        detection({
          host: 'ws-90',
          rule_id: 'rule-dcsync',
          rule_title: 'DCSync',
          context: JSON.stringify({ host: 'ws-90', user: 'CORP\\mallory' }),
        }),
      ])
      await builder.catchUp()
      const list = async (query: string) =>
        (
          (await (
            await server.request(`/api/v1/alerts?ruleId=rule-dcsync&${query}`, { token: analyst })
          ).json()) as {
            items: PublicAlert[]
          }
        ).items
      const onDc = await list('host=dc-01.CORP')
      expect(onDc).toHaveLength(1)
      expect(onDc[0]!.count).toBe(2)
      expect((await list('user=corp%5Cmallory')).map((alert) => alert.entities.hosts)).toEqual([['ws-90']])
      expect(await list('host=dc-01')).toEqual([])
      expect(
        await list('hash=AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34AB12CD34'),
      ).toHaveLength(2)

      const bulk = await server.request('/api/v1/alerts/bulk', {
        method: 'POST',
        token: analyst,
        body: JSON.stringify({
          filter: { ruleId: 'rule-dcsync', user: 'CORP\\mallory' },
          action: 'acknowledge',
        }),
      })
      expect(await bulk.json()).toMatchObject({ selected: 1, updated: 1 })
      expect((await list('status=acknowledged')).map((alert) => alert.entities.hosts)).toEqual([['ws-90']])

      // Tags added in triage, and the ATT&CK tactic from the rule, filter too (whole values).
      const tagged = await server.request('/api/v1/alerts/bulk', {
        method: 'POST',
        token: analyst,
        body: JSON.stringify({
          filter: { ruleId: 'rule-dcsync', host: 'ws-90' },
          action: 'tag',
          addTags: ['Red-Team_2026'],
        }),
      })
      expect(tagged.status).toBe(200)
      expect((await list('tag=red-team_2026')).map((alert) => alert.entities.hosts)).toEqual([['ws-90']])
      expect(await list('tag=red-team')).toEqual([])
      expect(await list('tag=%25')).toEqual([])
      // Free text takes %, _ and \ literally on both engines (DuckDB's LIKE has no default escape).
      expect(await list('q=dcsync')).toHaveLength(2)
      expect(await list('q=dc_ync')).toEqual([])
      expect(await list('tactic=credential_access')).toHaveLength(2)
      expect(await list('technique=t1003.001&host=dc-01.corp')).toHaveLength(1)
    })
  })
}

for (const engine of ENGINES) {
  describe(`${engine}: silences`, () => {
    let server: TestServer
    let builder: AlertBuilder
    let analyst: string
    beforeAll(async () => {
      server = await startTestServer(engine)
      builder = new AlertBuilder(
        server.services.store,
        server.services.rules,
        server.services.silences,
        pino({ level: 'silent' }),
      )
      analyst = await server.tokenFor('analyst')
    })
    afterAll(async () => {
      await builder?.release()
      await server?.close()
    })

    it('records matching alerts as silenced while the silence lasts, then stops matching by itself', async () => {
      const endsAt = new Date(Date.now() + 1_500)
      const created = await server.request('/api/v1/silences', {
        method: 'POST',
        token: analyst,
        body: JSON.stringify({
          matchers: [
            { field: 'host', op: '=~', value: 'build-.*' },
            { field: 'severity', op: '!=', value: 'critical' },
          ],
          endsAt,
          comment: 'build farm reimage tonight',
        }),
      })
      expect(created.status).toBe(201)
      const silence = (await created.json()) as { id: number; state: string }
      expect(silence.state).toBe('active')

      await server.services.store.db
        .insertInto('detections')
        .values([detection({ host: 'build-07' }), detection({ host: 'dc01' })])
        .execute()
      await builder.catchUp()
      const alerts = (await (await server.request('/api/v1/alerts', { token: analyst })).json()) as {
        items: { silencedBy: number | null; entities: Record<string, string[]> }[]
      }
      const byHost = Object.fromEntries(alerts.items.map((a) => [a.entities.hosts![0], a.silencedBy]))
      expect(byHost).toEqual({ 'build-07': silence.id, dc01: null })

      await new Promise((resolve) => setTimeout(resolve, 1_600))
      const listed = (await (
        await server.request('/api/v1/silences?all=true', { token: analyst })
      ).json()) as { items: { state: string; matchedCount: number }[] }
      expect(listed.items[0]).toMatchObject({ state: 'ended', matchedCount: 1 })
      await server.services.store.db
        .insertInto('detections')
        .values([detection({ host: 'build-08' })])
        .execute()
      await builder.catchUp()
      const after = (await (await server.request('/api/v1/alerts', { token: analyst })).json()) as {
        items: { silencedBy: number | null; entities: Record<string, string[]> }[]
      }
      expect(after.items.find((a) => a.entities.hosts![0] === 'build-08')?.silencedBy).toBeNull()
    })

    it('refuses a silence with an unknown field or a bad regular expression, naming it', async () => {
      const response = await server.request('/api/v1/silences', {
        method: 'POST',
        token: analyst,
        body: JSON.stringify({
          matchers: [
            { field: 'planet', op: '=', value: 'x' },
            { field: 'host', op: '=~', value: '(' },
          ],
          endsAt: new Date(Date.now() + 60_000),
          comment: 'x',
        }),
      })
      expect(response.status).toBe(400)
      const { error } = (await response.json()) as { error: { details: { path: string }[] } }
      expect(error.details.map((d) => d.path)).toEqual(['matchers.0.field', 'matchers.1.value'])
    })
  })
}
