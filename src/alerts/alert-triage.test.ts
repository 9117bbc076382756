import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINES } from '../test-support/stores.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'
import type { AlertBuilder } from './alert-builder.js'
import { buildDetection, insertDetections, type PublicAlert, serverAlertBuilder } from './test-detections.js'

interface Detail extends PublicAlert {
  history: { action: string; from: string | null; to: string | null }[]
}

for (const engine of ENGINES) {
  describe(`${engine}: merge, bulk actions on a selection, silence similar`, () => {
    let server: TestServer
    let builder: AlertBuilder
    let analyst: string
    beforeAll(async () => {
      server = await startTestServer(engine)
      builder = serverAlertBuilder(server)
      analyst = await server.tokenFor('analyst')
    })
    afterAll(async () => {
      await builder?.release()
      await server?.close()
    })

    async function call<T>(method: string, path: string, body?: unknown, token = analyst) {
      const response = await server.request(path, {
        method,
        token,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      return { status: response.status, body: (await response.json()) as T }
    }
    const alertsOf = async (ruleId: string, extra = '') =>
      (await call<{ items: PublicAlert[] }>('GET', `/api/v1/alerts?ruleId=${ruleId}&limit=100${extra}`)).body
        .items
    const hostOf = (alert: PublicAlert) => alert.entities.hosts?.[0]

    it('merges alerts into one: counts, events and entities move; sources close as duplicates pointing at it', async () => {
      const ruleId = 'rule-lateral'
      await insertDetections(server, [
        buildDetection({ rule_id: ruleId, host: 'ws-1' }),
        buildDetection({ rule_id: ruleId, host: 'ws-1' }),
        buildDetection({ rule_id: ruleId, host: 'ws-2', user: 'CORP\\bob' }),
        buildDetection({ rule_id: ruleId, host: 'ws-3' }),
      ])
      await builder.catchUp()
      const alerts = await alertsOf(ruleId)
      const byHost = Object.fromEntries(alerts.map((alert) => [hostOf(alert), alert]))
      const target = byHost['ws-1']!
      const sources = [byHost['ws-2']!.id, byHost['ws-3']!.id]

      expect(
        (await call('POST', `/api/v1/alerts/${target.id}/merge`, { sourceIds: [target.id] })).status,
      ).toBe(400)
      const merged = await call<{ alert: PublicAlert; merged: number[] }>(
        'POST',
        `/api/v1/alerts/${target.id}/merge`,
        { sourceIds: sources, comment: 'one intrusion moving across the floor' },
      )
      expect(merged.status).toBe(200)
      expect(merged.body.alert).toMatchObject({ id: target.id, count: 4, status: 'new' })
      expect(merged.body.alert.entities.hosts?.sort()).toEqual(['ws-1', 'ws-2', 'ws-3'])
      expect(merged.body.alert.entities.users?.sort()).toEqual(['CORP\\alice', 'CORP\\bob'])

      const listed = await alertsOf(ruleId)
      expect(listed.map((alert) => alert.id)).toEqual([target.id])
      const source = (await call<Detail>('GET', `/api/v1/alerts/${sources[0]}`)).body
      expect(source).toMatchObject({ status: 'closed', resolution: 'duplicate', mergedInto: target.id })
      expect(source.closeComment).toContain(`merged into alert ${target.id}`)
      expect(source.history.at(-1)).toMatchObject({
        action: 'merged_into',
        from: 'new',
        to: String(target.id),
      })
      const detail = (await call<Detail>('GET', `/api/v1/alerts/${target.id}`)).body
      expect(detail.history.at(-1)).toMatchObject({ action: 'merged', to: sources.join(',') })
      const links = await server.services.store.db
        .selectFrom('alert_events')
        .select('event_seq')
        .where('alert_id', '=', target.id)
        .execute()
      expect(links).toHaveLength(4)

      const again = await call<{ error: { code: string } }>('POST', `/api/v1/alerts/${target.id}/merge`, {
        sourceIds: [sources[1]],
      })
      expect(again.status).toBe(409)
      expect(
        (await call('POST', `/api/v1/alerts/${sources[0]}/merge`, { sourceIds: [target.id] })).status,
      ).toBe(409)
      // A later detection like a merged source joins the target instead of reopening a duplicate.
      await insertDetections(server, [buildDetection({ rule_id: ruleId, host: 'ws-2' })])
      await builder.catchUp()
      expect((await alertsOf(ruleId)).map((alert) => [alert.id, alert.count])).toEqual([[target.id, 5]])
      const audit = await server.services.store.db
        .selectFrom('audit_log')
        .select('action')
        .where('action', '=', 'alert.merge')
        .execute()
      expect(audit).toHaveLength(1)
    })

    it('applies bulk actions to the alerts a filter selects, with a dry-run count and a maximum', async () => {
      const ruleId = 'rule-scanner'
      await insertDetections(
        server,
        Array.from({ length: 12 }, (_, index) =>
          buildDetection({ rule_id: ruleId, rule_title: 'Port scan', level: 'low', host: `scan-${index}` }),
        ),
      )
      await insertDetections(server, [buildDetection({ rule_id: ruleId, level: 'low', host: 'elsewhere' })])
      await builder.catchUp()
      const other = (await alertsOf(ruleId)).find((alert) => hostOf(alert) === 'elsewhere')!
      await call('POST', `/api/v1/alerts/${other.id}/start`, {})
      const filter = { ruleId, status: ['new'], q: 'port scan' }

      const dry = await call('POST', '/api/v1/alerts/bulk', { filter, action: 'acknowledge', dryRun: true })
      expect(dry.body).toEqual({ selected: 12, eligible: 12, updated: 0, dryRun: true, ids: [] })
      const tooMany = await call<{ error: { code: string; message: string } }>(
        'POST',
        '/api/v1/alerts/bulk',
        {
          filter,
          action: 'acknowledge',
          max: 5,
        },
      )
      expect(tooMany.status).toBe(409)
      expect(tooMany.body.error.code).toBe('selection_too_large')
      expect(await alertsOf(ruleId, '&status=acknowledged')).toHaveLength(0)
      const both = await call('POST', '/api/v1/alerts/bulk', { ids: [1], filter, action: 'acknowledge' })
      expect(both.status).toBe(400)

      const acked = await call<{ updated: number }>('POST', '/api/v1/alerts/bulk', {
        filter,
        action: 'acknowledge',
      })
      expect(acked.body.updated).toBe(12)
      expect(await alertsOf(ruleId, '&status=acknowledged')).toHaveLength(12)

      // Everything of the rule: the one in progress is not acknowledged backwards, only counted.
      const all = { ruleId }
      const again = await call('POST', '/api/v1/alerts/bulk', { filter: all, action: 'acknowledge' })
      expect(again.body).toMatchObject({ selected: 13, eligible: 0, updated: 0 })

      const assigned = await call('POST', '/api/v1/alerts/bulk', {
        filter: all,
        action: 'assign',
        assignee: 'dana',
      })
      expect(assigned.body).toMatchObject({ updated: 13 })
      const tagged = await call('POST', '/api/v1/alerts/bulk', {
        filter: all,
        action: 'tag',
        addTags: ['authorised-scan'],
      })
      expect(tagged.body).toMatchObject({ updated: 13 })
      const noReason = await call<{ error: { code: string } }>('POST', '/api/v1/alerts/bulk', {
        filter: all,
        action: 'close',
        comment: 'x',
      })
      expect(noReason.body.error.code).toBe('resolution_required')
      const closed = await call('POST', '/api/v1/alerts/bulk', {
        filter: all,
        action: 'close',
        resolution: 'benign_positive',
        comment: 'quarterly authorised scan',
      })
      expect(closed.body).toMatchObject({ selected: 13, eligible: 13, updated: 13 })
      const after = await alertsOf(ruleId)
      expect(after.every((alert) => alert.status === 'closed' && alert.assignee === 'dana')).toBe(true)
      expect(after.every((alert) => alert.tags.includes('authorised-scan'))).toBe(true)
      const detail = (await call<Detail>('GET', `/api/v1/alerts/${other.id}`)).body
      expect(detail.history.map((entry) => entry.action)).toEqual([
        'created',
        'status',
        'assigned',
        'tagged',
        'status',
      ])
      const viewer = await server.tokenFor('viewer')
      expect(
        (await call('POST', '/api/v1/alerts/bulk', { filter: all, action: 'reopen' }, viewer)).status,
      ).toBe(403)
    })

    it('silences alerts like this one in one call: the next one is recorded, not notified', async () => {
      const engineer = await server.tokenFor('engineer')
      const channel = await call<{ id: number }>(
        'POST',
        '/api/v1/channels',
        {
          name: 'soc-hook',
          kind: 'webhook',
          config: { url: 'http://127.0.0.1:9/hook', secret: 'x'.repeat(32) },
        },
        engineer,
      )
      expect(channel.status).toBe(201)
      expect(
        (await call('POST', '/api/v1/routes', { name: 'all', channelIds: [channel.body.id] }, engineer))
          .status,
      ).toBe(201)
      const ruleId = 'rule-beacon'
      await insertDetections(server, [buildDetection({ rule_id: ruleId, host: 'kiosk-1' })])
      await builder.catchUp()
      const [first] = await alertsOf(ruleId)
      const outboxOf = async (alertId: number) =>
        server.services.store.db
          .selectFrom('notification_outbox')
          .select('id')
          .where('alert_id', '=', alertId)
          .execute()
      expect(await outboxOf(first!.id)).toHaveLength(1)

      await insertDetections(server, [
        buildDetection({
          rule_id: 'rule-nouser',
          host: 'kiosk-9',
          context: JSON.stringify({ host: 'kiosk-9' }),
        }),
      ])
      await builder.catchUp()
      const [noUser] = await alertsOf('rule-nouser')
      const missing = await call<{ error: { code: string } }>(
        'POST',
        `/api/v1/alerts/${noUser!.id}/silence-similar`,
        {
          fields: ['ruleId', 'user'],
          durationSeconds: 3_600,
          comment: 'x',
        },
      )
      expect(missing.status).toBe(400)
      expect(missing.body.error.code).toBe('field_missing')
      const silence = await call<{ id: number; matchers: { field: string; op: string; value: string }[] }>(
        'POST',
        `/api/v1/alerts/${first!.id}/silence-similar`,
        { fields: ['ruleId', 'host'], durationSeconds: 3_600, comment: 'kiosk being reimaged' },
      )
      expect(silence.status).toBe(201)
      expect(silence.body.matchers).toEqual([
        { field: 'ruleId', op: '=', value: ruleId },
        { field: 'host', op: '=', value: 'kiosk-1' },
      ])

      await call('POST', `/api/v1/alerts/${first!.id}/close`, {
        resolution: 'benign_positive',
        comment: 'reimage',
      })
      await insertDetections(server, [
        buildDetection({ rule_id: ruleId, host: 'kiosk-1' }),
        buildDetection({ rule_id: ruleId, host: 'kiosk-2' }),
      ])
      await builder.catchUp()
      const open = await alertsOf(ruleId, '&status=new')
      const silenced = open.find((alert) => hostOf(alert) === 'kiosk-1')!
      const loud = open.find((alert) => hostOf(alert) === 'kiosk-2')!
      expect(silenced.silencedBy).not.toBeNull()
      expect(await outboxOf(silenced.id)).toHaveLength(0)
      expect(loud.silencedBy).toBeNull()
      expect(await outboxOf(loud.id)).toHaveLength(1)
      const detail = (await call<Detail>('GET', `/api/v1/alerts/${first!.id}`)).body
      expect(detail.history.filter((entry) => entry.action === 'silenced_similar')).toHaveLength(1)
      const stats = await call<{ totals: Record<string, number> }>(
        'GET',
        `/api/v1/alerts/stats?ruleId=${ruleId}`,
      )
      expect(stats.body.totals.silenced).toBe(1)

      // On a selection: one silence per distinct set of values.
      const bulkRule = 'rule-beacon-lab'
      await insertDetections(
        server,
        ['lab-1', 'lab-2', 'lab-3'].map((host) => buildDetection({ rule_id: bulkRule, host })),
      )
      await builder.catchUp()
      const silenceAll = (fields: string[]) =>
        call<{ updated: number; silenceIds: number[] }>('POST', '/api/v1/alerts/bulk', {
          filter: { ruleId: bulkRule },
          action: 'silence_similar',
          silence: { fields, durationSeconds: 600, comment: 'lab rebuild' },
        })
      const perHost = await silenceAll(['ruleId', 'host'])
      expect(perHost.body).toMatchObject({ updated: 3 })
      expect(perHost.body.silenceIds).toHaveLength(3)
      const perRule = await silenceAll(['ruleId'])
      expect(perRule.body.silenceIds).toHaveLength(1)
      const noSpec = await call('POST', '/api/v1/alerts/bulk', {
        filter: { ruleId: bulkRule },
        action: 'silence_similar',
      })
      expect(noSpec.status).toBe(400)
    })
  })
}
