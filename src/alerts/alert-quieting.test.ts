import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINES } from '../test-support/stores.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'
import type { AlertBuilder } from './alert-builder.js'
import { buildDetection, insertDetections, type PublicAlert, serverAlertBuilder } from './test-detections.js'

interface Stats {
  totals: Record<string, number>
  byRule: { ruleId: string; reason: string; total: number }[]
}

for (const engine of ENGINES) {
  describe(`${engine}: suppression, exceptions and the reasons counted`, () => {
    let server: TestServer
    let builder: AlertBuilder
    let analyst: string
    let engineer: string
    beforeAll(async () => {
      server = await startTestServer(engine)
      builder = serverAlertBuilder(server)
      analyst = await server.tokenFor('analyst')
      engineer = await server.tokenFor('engineer')
    })
    afterAll(async () => {
      await builder?.release()
      await server?.close()
    })

    async function call<T>(method: string, path: string, token: string, body?: unknown) {
      const response = await server.request(path, {
        method,
        token,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      return { status: response.status, body: (await response.json()) as T }
    }
    const alertsOf = async (ruleId: string) =>
      (await call<{ items: PublicAlert[] }>('GET', `/api/v1/alerts?ruleId=${ruleId}&limit=100`, analyst)).body
        .items

    it('suppresses detections with the same key within the window and shows how many on the alert', async () => {
      const ruleId = 'rule-noisy'
      const settings = await call<{ suppression: unknown }>(
        'PUT',
        `/api/v1/rules/${ruleId}/alert-settings`,
        engineer,
        { suppression: { fields: ['user.name'], windowSeconds: 3_600 } },
      )
      expect(settings.status).toBe(404) // no such rule yet: settings are for rules that exist
      const start = Date.UTC(2026, 10, 23, 8, 0, 0)
      const at = (minutes: number) => new Date(start + minutes * 60_000)
      const noisy = { rule_id: ruleId, rule_title: 'Noisy logon', user: 'CORP\\bob' }
      await insertDetections(server, [
        buildDetection({ ...noisy, host: 'ws-1', at: at(0) }),
        buildDetection({ ...noisy, host: 'ws-2', at: at(1) }),
      ])
      await builder.catchUp()
      expect(
        (
          await call('PUT', `/api/v1/rules/${ruleId}/alert-settings`, engineer, {
            suppression: { fields: ['user.name'], windowSeconds: 3_600 },
          })
        ).status,
      ).toBe(200)
      // Settings apply from the next batch: the two detections above made two alerts (rule + host).
      expect(await alertsOf(ruleId)).toHaveLength(2)

      await insertDetections(server, [
        ...Array.from({ length: 2 }, (_, i) => buildDetection({ ...noisy, host: `ws-${i + 3}`, at: at(2) })),
      ])
      await builder.catchUp()
      await insertDetections(server, [
        ...Array.from({ length: 40 }, (_, i) => buildDetection({ ...noisy, host: `ws-${i}`, at: at(3 + i) })),
        buildDetection({ ...noisy, user: 'CORP\\carol', host: 'ws-1', at: at(5) }),
      ])
      await builder.catchUp()
      const alerts = await alertsOf(ruleId)
      expect(alerts).toHaveLength(4)
      const held = alerts.find((alert) => alert.suppressedCount > 0)!
      expect(held).toMatchObject({ suppressedCount: 41, count: 1, suppressedUntil: at(62).toISOString() })
      expect(held.entities.users).toEqual(['CORP\\bob'])
      expect(alerts.find((alert) => alert.entities.users?.includes('CORP\\carol'))?.suppressedCount).toBe(0)

      const linked = await call<{ suppressedCount: number; items: { detectionId: number }[] }>(
        'GET',
        `/api/v1/alerts/${held.id}/suppressed?limit=1000`,
        analyst,
      )
      expect(linked.body.suppressedCount).toBe(41)
      expect(new Set(linked.body.items.map((item) => item.detectionId)).size).toBe(41)

      // Past the window, the next detection opens a new alert (and a new window).
      await insertDetections(server, [buildDetection({ ...noisy, host: 'ws-9', at: at(70) })])
      await builder.catchUp()
      expect(await alertsOf(ruleId)).toHaveLength(5)

      // Closing the alert that holds the window restarts suppression (Elastic's default)…
      const latest = (await alertsOf(ruleId))[0]!
      await call('POST', `/api/v1/alerts/${latest.id}/close`, analyst, {
        resolution: 'benign_positive',
        comment: 'bob is the backup operator',
      })
      await insertDetections(server, [buildDetection({ ...noisy, host: 'ws-9', at: at(71) })])
      await builder.catchUp()
      expect(await alertsOf(ruleId)).toHaveLength(6)

      const stats = await call<Stats>('GET', `/api/v1/alerts/stats?ruleId=${ruleId}`, analyst)
      expect(stats.body.totals.suppressed).toBe(41)
    })

    it('groups by the fields set on the rule, counts the rest as deduplicated, and audits the settings', async () => {
      const ruleId = 'rule-spray'
      await insertDetections(server, [buildDetection({ rule_id: ruleId, host: 'dc01', user: 'svc_x' })])
      await builder.catchUp()
      const invalid = await call<{ error: { details: { path: string }[] } }>(
        'PUT',
        `/api/v1/rules/${ruleId}/alert-settings`,
        engineer,
        { groupBy: ['user.name', 'planet'] },
      )
      expect(invalid.status).toBe(400)
      expect(invalid.body.error.details.map((d) => d.path)).toEqual(['groupBy.1'])
      expect(
        (await call('PUT', `/api/v1/rules/${ruleId}/alert-settings`, analyst, { groupBy: ['user'] })).status,
      ).toBe(403)
      const saved = await call<{ groupBy: string[]; isDefault: boolean }>(
        'PUT',
        `/api/v1/rules/${ruleId}/alert-settings`,
        engineer,
        { groupBy: ['user.name'] },
      )
      expect(saved.body).toMatchObject({ groupBy: ['user'], isDefault: false })
      await insertDetections(
        server,
        ['dc01', 'dc02', 'fs01'].map((host) => buildDetection({ rule_id: ruleId, host, user: 'CORP\\eve' })),
      )
      await builder.catchUp()
      const byUser = (await alertsOf(ruleId)).filter((alert) => alert.entities.users?.includes('CORP\\eve'))
      expect(byUser).toHaveLength(1)
      expect(byUser[0]).toMatchObject({ count: 3 })
      expect(byUser[0]!.entities.hosts?.sort()).toEqual(['dc01', 'dc02', 'fs01'])
      const stats = await call<Stats>('GET', `/api/v1/alerts/stats?ruleId=${ruleId}`, analyst)
      expect(stats.body.totals.deduplicated).toBe(2)
      const audit = await server.services.store.db
        .selectFrom('audit_log')
        .select(['action', 'target_id'])
        .where('action', '=', 'rule.alert_settings')
        .where('target_id', '=', ruleId)
        .execute()
      expect(audit).toHaveLength(1)
      expect((await call('DELETE', `/api/v1/rules/${ruleId}/alert-settings`, engineer)).body).toMatchObject({
        isDefault: true,
      })
    })

    it('keeps detections matching an exception from raising alerts, counts the hits, and stops when it expires', async () => {
      const ruleId = 'rule-psexec'
      const expiresAt = new Date(Date.now() + 2_500)
      const created = await call<{ id: number; state: string; expiringSoon: boolean; owner: string }>(
        'POST',
        '/api/v1/exceptions',
        analyst,
        {
          ruleId,
          matchers: [
            { field: 'host.name', op: 'regex', value: 'build-\\d+' },
            { field: 'matched.CommandLine', op: 'contains', value: 'nightly.ps1' },
            { field: 'user', op: 'equals', value: 'CORP\\mallory', negate: true },
          ],
          owner: 'platform-team',
          reason: 'nightly deployment job runs PsExec on the build farm',
          expiresAt,
        },
      )
      expect(created.status).toBe(201)
      expect(created.body).toMatchObject({ state: 'active', expiringSoon: true, owner: 'platform-team' })
      const job = (host: string, user = 'CORP\\deploy', command = 'psexec -s powershell nightly.ps1') =>
        buildDetection({ rule_id: ruleId, host, user, matched: JSON.stringify({ CommandLine: command }) })
      await insertDetections(server, [
        job('build-01'),
        job('build-02'),
        job('build-03', 'CORP\\mallory'), // negated matcher: raises
        job('build-04', 'CORP\\deploy', 'psexec -s cmd.exe'), // other command: raises
        job('web-01'), // not a build host: raises
      ])
      await builder.catchUp()
      const raised = await alertsOf(ruleId)
      expect(raised.map((alert) => alert.entities.hosts?.[0]).sort()).toEqual([
        'build-03',
        'build-04',
        'web-01',
      ])
      const listed = await call<{ items: { id: number; hitCount: number; lastHitAt: string | null }[] }>(
        'GET',
        `/api/v1/exceptions?ruleId=${ruleId}`,
        analyst,
      )
      expect(listed.body.items).toEqual([
        expect.objectContaining({ id: created.body.id, hitCount: 2, lastHitAt: expect.any(String) }),
      ])

      await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt.getTime() - Date.now()) + 100))
      const expired = await call<{ items: { id: number; state: string; expiredAt: string | null }[] }>(
        'GET',
        '/api/v1/exceptions?state=expired',
        analyst,
      )
      expect(expired.body.items.find((item) => item.id === created.body.id)).toMatchObject({
        state: 'expired',
        expiredAt: expiresAt.toISOString(),
      })
      expect(
        (await call<{ items: unknown[] }>('GET', `/api/v1/exceptions?ruleId=${ruleId}`, analyst)).body.items,
      ).toHaveLength(0)
      await insertDetections(server, [job('build-05')])
      await builder.catchUp()
      expect((await alertsOf(ruleId)).map((alert) => alert.entities.hosts?.[0])).toContain('build-05')

      const stats = await call<Stats>('GET', `/api/v1/alerts/stats?ruleId=${ruleId}`, analyst)
      expect(stats.body.totals.excepted).toBe(2)
      const metrics = await (await server.request('/metrics', { token: analyst })).text()
      expect(metrics).toMatch(/watchfloor_alerts_quieted_total\{reason="excepted"\} 2\b/)
    })

    it('validates exceptions, refuses an all-rules exception to analysts, and audits expiry', async () => {
      const bad = await call<{ error: { code: string; details: { path: string }[] } }>(
        'POST',
        '/api/v1/exceptions',
        analyst,
        {
          ruleId: 'rule-x',
          matchers: [
            { field: 'planet', op: 'equals', value: 'mars' },
            { field: 'host', op: 'regex', value: '(' },
          ],
          reason: 'x',
          expiresAt: new Date(Date.now() + 60_000),
        },
      )
      expect(bad.status).toBe(400)
      expect(bad.body.error.details.map((d) => d.path)).toEqual(['matchers.0.field', 'matchers.1.value'])
      const everyRule = {
        ruleId: null,
        matchers: [{ field: 'host', op: 'equals', value: 'scanner-01' }],
        reason: 'the vulnerability scanner',
        expiresAt: new Date(Date.now() + 86_400_000),
      }
      expect((await call('POST', '/api/v1/exceptions', analyst, everyRule)).status).toBe(403)
      const global = await call<{ id: number; ruleId: string | null }>(
        'POST',
        '/api/v1/exceptions',
        engineer,
        everyRule,
      )
      expect(global.body.ruleId).toBeNull()
      const later = new Date(Date.now() + 30 * 86_400_000)
      expect(
        (await call('PATCH', `/api/v1/exceptions/${global.body.id}`, analyst, { expiresAt: later })).status,
      ).toBe(403)
      const reviewed = await call<{ expiresAt: string; expiringSoon: boolean; reason: string }>(
        'PATCH',
        `/api/v1/exceptions/${global.body.id}`,
        engineer,
        { expiresAt: later, reason: 'the vulnerability scanner (reviewed)' },
      )
      expect(reviewed.body).toMatchObject({ expiresAt: later.toISOString(), expiringSoon: false })
      const ended = await call<{ state: string; expiredBy: string }>(
        'POST',
        `/api/v1/exceptions/${global.body.id}/expire`,
        analyst,
      )
      expect(ended.body.state).toBe('expired')
      expect((await call('POST', `/api/v1/exceptions/${global.body.id}/expire`, analyst)).status).toBe(404)
      const actions = await server.services.store.db
        .selectFrom('audit_log')
        .select('action')
        .where('target_type', '=', 'exception')
        .where('target_id', '=', String(global.body.id))
        .orderBy('seq')
        .execute()
      expect(actions.map((a) => a.action)).toEqual([
        'exception.create',
        'exception.update',
        'exception.expire',
      ])
      expect(
        (await call('PATCH', `/api/v1/exceptions/${global.body.id}`, engineer, { reason: 'again' })).status,
      ).toBe(409)
    })
  })
}
