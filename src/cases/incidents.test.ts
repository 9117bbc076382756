import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AlertBuilder } from '../alerts/alert-builder.js'
import type { NewDetection } from '../store/schema.js'
import { ENGINES } from '../test-support/stores.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'

let counter = 0
function detection(ruleId: string, host: string, level: string, at: string): NewDetection {
  counter += 1
  return {
    created_at: new Date(),
    detected_at: new Date(at),
    kind: 'sigma',
    rule_id: ruleId,
    rule_title: `Rule ${ruleId}`,
    level,
    tags: JSON.stringify(['attack.lateral_movement']),
    source: 'winlogs',
    event_seqs: JSON.stringify([counter]),
    matched: JSON.stringify({ IpAddress: '203.0.113.50' }),
    dedup_key: `incident-test:${counter}`,
    context: JSON.stringify({ host, user: 'CORP\\svc_backup' }),
  }
}

interface Durations {
  ttdMs: number | null
  ttaMs: number | null
  ttcMs: number | null
  ttrMs: number | null
}

interface Incident {
  id: number
  status: string
  severity: string
  firstEventAt: string | null
  detectedAt: string
  acknowledgedAt: string
  containedAt: string | null
  resolvedAt: string | null
  closedAt: string | null
  durations: Durations
}

for (const engine of ENGINES) {
  describe(`${engine}: incidents`, () => {
    let server: TestServer
    let analyst: string
    let alertIds: number[]
    beforeAll(async () => {
      server = await startTestServer(engine)
      analyst = await server.tokenFor('analyst')
      await server.services.store.db
        .insertInto('detections')
        .values([
          detection('r1', 'ws-01', 'medium', '2026-11-20T08:00:00Z'),
          detection('r2', 'ws-02', 'high', '2026-11-20T08:05:00Z'),
          detection('r3', 'dc-01', 'critical', '2026-11-20T08:30:00Z'),
        ])
        .execute()
      const builder = new AlertBuilder(
        server.services.store,
        server.services.rules,
        server.services.silences,
        pino({ level: 'silent' }),
      )
      await builder.catchUp()
      await builder.release()
      alertIds = (
        await server.services.store.db.selectFrom('alerts').select('id').orderBy('id').execute()
      ).map((row) => row.id)
    })
    afterAll(async () => {
      await server?.close()
    })

    const post = async <T>(path: string, body: unknown, method = 'POST'): Promise<T> => {
      const response = await server.request(path, { method, token: analyst, body: JSON.stringify(body) })
      const json = (await response.json()) as T
      if (response.status >= 400) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`)
      return json
    }

    /**
     * Detection is the first alert raised; the other measures run from there. The incident, its
     * RCA and the response metrics must tell the same times.
     */
    async function expectOneClock(incident: Incident): Promise<void> {
      const alerts = await server.services.store.db
        .selectFrom('alerts')
        .select('created_at')
        .where('incident_id', '=', incident.id)
        .execute()
      const raised = Math.min(...alerts.map((alert) => alert.created_at.getTime()))
      expect(incident.detectedAt).toBe(new Date(raised).toISOString())
      expect(incident.durations).toEqual({
        ttdMs: raised - Date.parse(incident.firstEventAt ?? ''),
        ttaMs: Date.parse(incident.acknowledgedAt) - raised,
        ttcMs: Date.parse(incident.containedAt ?? '') - raised,
        ttrMs: Date.parse(incident.resolvedAt ?? '') - raised,
      })
      const rca = (await (
        await server.request(`/api/v1/incidents/${incident.id}/rca`, { token: analyst })
      ).json()) as { detection: Durations & { firstEventAt: string; detectedAt: string } }
      expect(rca.detection).toMatchObject({
        ...incident.durations,
        firstEventAt: incident.firstEventAt,
        detectedAt: incident.detectedAt,
      })
      const metrics = (await (
        await server.request('/api/v1/metrics/response', { token: analyst })
      ).json()) as { incidents: ({ id: number } & Durations)[] }
      expect(metrics.incidents.find((entry) => entry.id === incident.id)).toMatchObject(incident.durations)
    }

    it('runs three alerts as one incident through every phase, with tasks, notes, observables and a timeline', async () => {
      const incident = await post<Incident>('/api/v1/incidents', {
        title: 'Lateral movement from ws-01',
        alertIds,
      })
      expect(incident).toMatchObject({
        status: 'open',
        severity: 'critical',
        firstEventAt: '2026-11-20T08:00:00.000Z',
      })

      const observables = (await (
        await server.request(`/api/v1/incidents/${incident.id}/observables`, { token: analyst })
      ).json()) as { items: { type: string; value: string; otherIncidents: number[] }[] }
      expect(observables.items.map((o) => `${o.type}:${o.value}`)).toEqual(
        expect.arrayContaining([
          'host:ws-01',
          'host:ws-02',
          'host:dc-01',
          'user:CORP\\svc_backup',
          'ip:203.0.113.50',
        ]),
      )

      await post(`/api/v1/incidents/${incident.id}/tasks`, { title: 'Isolate ws-01', owner: 'alice' })
      const followUp = await post<{ id: number }>(`/api/v1/incidents/${incident.id}/tasks`, {
        kind: 'follow_up',
        title: 'Rotate svc_backup credentials everywhere',
        dueAt: '2026-12-01T00:00:00Z',
      })
      await post(`/api/v1/incidents/${incident.id}/notes`, {
        body: 'Confirmed **pass-the-hash**; @bob please check the DC logs',
      })
      // Recorded now, happened yesterday morning in Paris (UTC+1): kept as the instant it was.
      await post(`/api/v1/incidents/${incident.id}/timeline`, {
        occurredAt: '2026-11-20T09:10:00+01:00',
        title: 'User reported slow machine',
        flagged: true,
      })

      for (const status of ['triage', 'containment', 'eradication', 'recovery', 'post_incident']) {
        await post(`/api/v1/incidents/${incident.id}/status`, { status, comment: `entering ${status}` })
      }
      const refused = await server.request(`/api/v1/incidents/${incident.id}/status`, {
        method: 'POST',
        token: analyst,
        body: JSON.stringify({ status: 'closed' }),
      })
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('resolution_required')
      const closed = await post<Incident>(`/api/v1/incidents/${incident.id}/status`, {
        status: 'closed',
        resolution: 'true_positive',
        impact: 'one domain controller touched',
      })
      expect(closed.status).toBe('closed')
      expect(closed.containedAt).not.toBeNull()
      await expectOneClock(closed)

      const timeline = (await (
        await server.request(`/api/v1/incidents/${incident.id}/timeline`, { token: analyst })
      ).json()) as {
        items: { occurredAt: string; recordedAt: string; kind: string; title: string; flagged: boolean }[]
      }
      const occurred = timeline.items.map((entry) => entry.occurredAt)
      expect([...occurred].sort()).toEqual(occurred)
      expect(timeline.items.slice(0, 4).map((entry) => `${entry.occurredAt} ${entry.kind}`)).toEqual([
        '2026-11-20T08:00:00.000Z alert',
        '2026-11-20T08:05:00.000Z alert',
        '2026-11-20T08:10:00.000Z manual',
        '2026-11-20T08:30:00.000Z alert',
      ])
      const manual = timeline.items.find((entry) => entry.kind === 'manual')!
      expect(manual.recordedAt > manual.occurredAt).toBe(true)
      const keyEvents = (await (
        await server.request(`/api/v1/incidents/${incident.id}/timeline?flagged=true`, { token: analyst })
      ).json()) as { items: { title: string }[] }
      expect(keyEvents.items.map((entry) => entry.title)).toEqual(
        expect.arrayContaining([
          'User reported slow machine',
          'Phase triage → containment',
          'Phase post_incident → closed',
        ]),
      )

      // The follow-up outlives the incident until it is done.
      const open = (await (await server.request('/api/v1/follow-ups', { token: analyst })).json()) as {
        items: { id: number }[]
      }
      expect(open.items.map((task) => task.id)).toContain(followUp.id)
      await post(`/api/v1/incidents/${incident.id}/tasks/${followUp.id}`, { status: 'done' }, 'PATCH')
      const after = (await (await server.request('/api/v1/follow-ups', { token: analyst })).json()) as {
        items: { id: number }[]
      }
      expect(after.items.map((task) => task.id)).not.toContain(followUp.id)

      const audit = await server.services.store.db
        .selectFrom('audit_log')
        .select('action')
        .where('target_type', '=', 'incident')
        .execute()
      expect(new Set(audit.map((row) => row.action))).toEqual(
        new Set([
          'incident.create',
          'incident.task_add',
          'incident.note_add',
          'incident.timeline_add',
          'incident.status',
          'incident.task_update',
        ]),
      )
    })

    it('keeps note revisions and mentions, merges incidents, and refuses an alert that already belongs elsewhere', async () => {
      const first = await post<Incident>('/api/v1/incidents', { title: 'Phishing wave', severity: 'medium' })
      const note = await post<{ id: number; mentions: string[] }>(`/api/v1/incidents/${first.id}/notes`, {
        body: 'first draft for @carol',
      })
      expect(note.mentions).toEqual(['carol'])
      const edited = await post<{ revisions: number }>(
        `/api/v1/incidents/${first.id}/notes/${note.id}`,
        { body: 'second draft' },
        'PATCH',
      )
      expect(edited.revisions).toBe(1)

      const taken = await server.request(`/api/v1/incidents/${first.id}/alerts`, {
        method: 'POST',
        token: analyst,
        body: JSON.stringify({ alertIds: [alertIds[0]] }),
      })
      expect(taken.status).toBe(409)

      const second = await post<Incident>('/api/v1/incidents', { title: 'Same phishing wave, other mailbox' })
      await post(`/api/v1/incidents/${second.id}/observables`, {
        type: 'domain',
        value: 'login-micros0ft.example',
        ioc: true,
      })
      const merged = await post<Incident>(`/api/v1/incidents/${first.id}/merge`, { incidentId: second.id })
      expect(merged.id).toBe(first.id)
      const source = (await (
        await server.request(`/api/v1/incidents/${second.id}`, { token: analyst })
      ).json()) as { mergedInto: number; status: string }
      expect(source).toMatchObject({ mergedInto: first.id, status: 'closed' })
      const observables = (await (
        await server.request(`/api/v1/incidents/${first.id}/observables`, { token: analyst })
      ).json()) as { items: { value: string; ioc: boolean }[] }
      expect(observables.items).toEqual([
        expect.objectContaining({ value: 'login-micros0ft.example', ioc: true }),
      ])
    })
  })
}
