import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AlertBuilder } from '../alerts/alert-builder.js'
import type { NewDetection } from '../store/schema.js'
import { ENGINES } from '../test-support/stores.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'

function detection(n: number, at: string): NewDetection {
  return {
    created_at: new Date(),
    detected_at: new Date(at),
    kind: 'sigma',
    rule_id: `rca-rule-${n}`,
    rule_title: `Suspicious service install ${n}`,
    level: 'high',
    tags: JSON.stringify([]),
    source: 'winlogs',
    event_seqs: JSON.stringify([n]),
    matched: JSON.stringify({}),
    dedup_key: `rca-test:${n}`,
    context: JSON.stringify({ host: `srv-0${n}` }),
  }
}

interface Rca {
  version: number
  saved: boolean
  state: string
  summary: string
  impact: string
  rootCause: string
  fiveWhys: { question: string; answer: string }[]
  detection: {
    description: string
    firstEventAt: string | null
    detectedAt: string
    acknowledgedAt: string
    containedAt: string | null
    resolvedAt: string | null
    ttdMs: number | null
    ttaMs: number | null
    ttcMs: number | null
    ttrMs: number | null
  }
  keyEvents: { title: string }[]
  actionItems: { taskId: number; title: string; status: string }[]
  authors: string[]
  review: {
    submittedBy: string | null
    reviewedBy: string | null
    reviewedAt: string | null
    comment: string | null
  }
}

for (const engine of ENGINES) {
  describe(`${engine}: root-cause analysis`, () => {
    let server: TestServer
    let author: string
    let reviewer: string
    let admin: string
    let viewer: string
    let incidentId: number
    let followUpId: number
    beforeAll(async () => {
      server = await startTestServer(engine)
      ;[author, reviewer, admin, viewer] = await Promise.all([
        server.tokenFor('analyst'),
        server.tokenFor('analyst'),
        server.tokenFor('admin'),
        server.tokenFor('viewer'),
      ])
      await server.services.store.db
        .insertInto('detections')
        .values([detection(1, '2026-11-20T08:00:00Z'), detection(2, '2026-11-20T08:20:00Z')])
        .execute()
      const builder = new AlertBuilder(
        server.services.store,
        server.services.rules,
        server.services.silences,
        pino({ level: 'silent' }),
      )
      await builder.catchUp()
      await builder.release()
      const alertIds = (
        await server.services.store.db.selectFrom('alerts').select('id').orderBy('id').execute()
      ).map((row) => row.id)
      await call(author, 'POST', '/api/v1/alerts/bulk', { ids: [alertIds[0]], action: 'acknowledge' })
      const incident = await call<{ id: number }>(author, 'POST', '/api/v1/incidents', {
        title: 'Service installed on two servers',
        description: 'PsExec-style service installs on srv-01 and srv-02.',
        alertIds,
      })
      incidentId = incident.id
      followUpId = (
        await call<{ id: number }>(author, 'POST', `/api/v1/incidents/${incidentId}/tasks`, {
          kind: 'follow_up',
          title: 'Alert on remote service creation',
        })
      ).id
      for (const status of ['triage', 'containment', 'eradication', 'recovery', 'post_incident']) {
        await call(author, 'POST', `/api/v1/incidents/${incidentId}/status`, { status })
      }
    }, 60_000)
    afterAll(async () => {
      await server?.close()
    })

    async function call<T>(token: string, method: string, path: string, body?: unknown): Promise<T> {
      const response = await server.request(path, {
        method,
        token,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      const json = (await response.json()) as T
      if (response.status >= 400)
        throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`)
      return json
    }
    async function status(token: string, method: string, path: string, body?: unknown) {
      const response = await server.request(path, {
        method,
        token,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      return {
        status: response.status,
        json: (await response.json()) as { error?: { code: string; message: string } },
      }
    }

    it('pre-fills a draft from the incident, its alerts, key events and follow-ups, with times from the records', async () => {
      const rca = await call<Rca>(viewer, 'GET', `/api/v1/incidents/${incidentId}/rca`)
      expect(rca).toMatchObject({ version: 0, saved: false, state: 'draft', authors: [] })
      expect(rca.summary).toBe('PsExec-style service installs on srv-01 and srv-02.')
      expect(rca.detection.description).toContain('Detected by 2 alerts')
      expect(rca.detection.description).toContain('"Suspicious service install 1"')
      expect(rca.detection.description).toContain('2026-11-20 08:00 UTC')
      expect(rca.detection.firstEventAt).toBe('2026-11-20T08:00:00.000Z')

      const incident = await server.services.store.db
        .selectFrom('incidents')
        .selectAll()
        .where('id', '=', incidentId)
        .executeTakeFirstOrThrow()
      const alerts = await server.services.store.db
        .selectFrom('alerts')
        .select(['created_at', 'acknowledged_at'])
        .where('incident_id', '=', incidentId)
        .execute()
      const raised = Math.min(...alerts.map((alert) => alert.created_at.getTime()))
      const acked = alerts.find((alert) => alert.acknowledged_at)!.acknowledged_at!.getTime()
      expect(rca.detection.ttdMs).toBe(raised - Date.parse('2026-11-20T08:00:00Z'))
      expect(rca.detection.ttaMs).toBe(Math.min(acked, incident.created_at.getTime()) - raised)
      expect(rca.detection.ttcMs).toBe(incident.contained_at!.getTime() - raised)
      expect(rca.detection.ttrMs).toBe(incident.resolved_at!.getTime() - raised)

      expect(rca.keyEvents.map((event) => event.title)).toEqual(
        expect.arrayContaining(['Incident opened', 'Phase triage → containment']),
      )
      expect(rca.actionItems).toEqual([
        expect.objectContaining({
          taskId: followUpId,
          title: 'Alert on remote service creation',
          status: 'open',
        }),
      ])
      // Reading wrote nothing.
      const stored = await server.services.store.db.selectFrom('incident_rcas').selectAll().execute()
      expect(stored).toHaveLength(0)
    })

    it('saves with optimistic concurrency: a save over a version that changed is refused with 409', async () => {
      const first = await call<Rca>(author, 'PATCH', `/api/v1/incidents/${incidentId}/rca`, {
        version: 0,
        rootCause: 'Local admin password shared across servers.',
      })
      expect(first).toMatchObject({ version: 1, saved: true, state: 'draft' })
      expect(first.summary).toBe('PsExec-style service installs on srv-01 and srv-02.')
      expect(first.rootCause).toBe('Local admin password shared across servers.')

      const second = await call<Rca>(author, 'PATCH', `/api/v1/incidents/${incidentId}/rca`, {
        version: 1,
        fiveWhys: [{ question: 'Why could the attacker log in?', answer: 'The same password everywhere.' }],
      })
      expect(second.version).toBe(2)
      expect(second.rootCause).toBe('Local admin password shared across servers.')

      const stale = await status(reviewer, 'PATCH', `/api/v1/incidents/${incidentId}/rca`, {
        version: 1,
        rootCause: 'overwrites the other edit',
      })
      expect(stale.status).toBe(409)
      expect(stale.json.error?.code).toBe('version_conflict')
      expect(stale.json.error?.message).toContain('now version 2')

      const again = await status(author, 'POST', `/api/v1/incidents/${incidentId}/rca`)
      expect(again.status).toBe(409)
      expect(again.json.error?.code).toBe('rca_exists')

      const replaced = await call<Rca>(author, 'PUT', `/api/v1/incidents/${incidentId}/rca`, {
        version: 2,
        summary: 'Two servers got a malicious service.',
        impact: 'No data left the network.',
        detection: 'EDR alerts on service creation.',
        rootCause: 'Local admin password shared across servers.',
        contributingFactors: ['No LAPS'],
        fiveWhys: second.fiveWhys,
        wentWell: ['Alert within minutes'],
        wentBadly: ['Containment waited for the owner'],
      })
      expect(replaced).toMatchObject({ version: 3, impact: 'No data left the network.' })
      const partialPut = await status(author, 'PUT', `/api/v1/incidents/${incidentId}/rca`, { version: 3 })
      expect(partialPut.status).toBe(400)

      const denied = await status(viewer, 'PATCH', `/api/v1/incidents/${incidentId}/rca`, {
        version: 3,
        impact: 'x',
      })
      expect(denied.status).toBe(403)
    })

    it('lets exactly one of two simultaneous saves of the same version through', async () => {
      const other = await call<{ id: number }>(author, 'POST', '/api/v1/incidents', { title: 'Race' })
      const path = `/api/v1/incidents/${other.id}/rca`
      const firsts = await Promise.all([
        status(author, 'PATCH', path, { version: 0, rootCause: 'first' }),
        status(reviewer, 'PATCH', path, { version: 0, rootCause: 'second' }),
      ])
      expect(firsts.map((result) => result.status).sort()).toEqual([200, 409])
      const seconds = await Promise.all([
        status(author, 'PATCH', path, { version: 1, impact: 'one' }),
        status(reviewer, 'PATCH', path, { version: 1, impact: 'two' }),
        status(admin, 'PATCH', path, { version: 1, impact: 'three' }),
      ])
      expect(seconds.map((result) => result.status).sort()).toEqual([200, 409, 409])
      const final = await call<Rca>(viewer, 'GET', path)
      expect(final.version).toBe(2)
    })

    it('is reviewed by someone who did not write it; an edit after approval sends it back to draft', async () => {
      const submitted = await call<Rca>(author, 'POST', `/api/v1/incidents/${incidentId}/rca/review`, {
        action: 'submit',
        version: 3,
      })
      expect(submitted.state).toBe('in_review')

      const own = await status(author, 'POST', `/api/v1/incidents/${incidentId}/rca/review`, {
        action: 'approve',
        version: 3,
      })
      expect(own.status).toBe(403)
      expect(own.json.error?.code).toBe('own_rca')
      expect(own.json.error?.message).toMatch(/you wrote.*another analyst.*admin/)

      const approved = await call<Rca>(reviewer, 'POST', `/api/v1/incidents/${incidentId}/rca/review`, {
        action: 'approve',
        version: 3,
        comment: 'Clear and complete',
      })
      expect(approved.state).toBe('approved')
      expect(approved.review.reviewedBy).toMatch(/^analyst-\d+$/)
      expect(approved.review.reviewedAt).not.toBeNull()
      expect(approved.review.comment).toBe('Clear and complete')

      const twice = await status(reviewer, 'POST', `/api/v1/incidents/${incidentId}/rca/review`, {
        action: 'approve',
        version: 3,
      })
      expect(twice.status).toBe(409)
      expect(twice.json.error?.code).toBe('invalid_rca_state')

      const edited = await call<Rca>(reviewer, 'PATCH', `/api/v1/incidents/${incidentId}/rca`, {
        version: 3,
        wentWell: ['Alert within minutes', 'Good notes'],
      })
      expect(edited).toMatchObject({ version: 4, state: 'draft' })
      expect(edited.authors).toHaveLength(2)

      // Both analysts wrote it now; an admin who wrote part of it may still approve.
      await call(admin, 'PATCH', `/api/v1/incidents/${incidentId}/rca`, {
        version: 4,
        impact: 'None outside.',
      })
      await call(admin, 'POST', `/api/v1/incidents/${incidentId}/rca/review`, {
        action: 'submit',
        version: 5,
      })
      const byAuthor = await status(reviewer, 'POST', `/api/v1/incidents/${incidentId}/rca/review`, {
        action: 'approve',
        version: 5,
      })
      expect(byAuthor.status).toBe(403)
      const byAdmin = await call<Rca>(admin, 'POST', `/api/v1/incidents/${incidentId}/rca/review`, {
        action: 'approve',
        version: 5,
      })
      expect(byAdmin.state).toBe('approved')
    })

    it('audits every write and records it on the incident timeline', async () => {
      const audit = await server.services.store.db
        .selectFrom('audit_log')
        .select('action')
        .where('target_type', '=', 'incident')
        .where('target_id', '=', String(incidentId))
        .where('action', 'like', 'incident.rca%')
        .orderBy('seq')
        .execute()
      expect(audit.map((row) => row.action)).toEqual([
        'incident.rca_update',
        'incident.rca_update',
        'incident.rca_update',
        'incident.rca_submit',
        'incident.rca_approve',
        'incident.rca_update',
        'incident.rca_update',
        'incident.rca_submit',
        'incident.rca_approve',
      ])
      const timeline = await server.services.store.db
        .selectFrom('incident_timeline')
        .select(['title', 'flagged'])
        .where('incident_id', '=', incidentId)
        .where('kind', '=', 'rca')
        .orderBy('id')
        .execute()
      expect(timeline.map((entry) => entry.title)).toContain(
        'Root-cause analysis edited (version 4); back to draft from approved',
      )
      expect(timeline.filter((entry) => entry.title === 'Root-cause analysis approved')).toEqual([
        { title: 'Root-cause analysis approved', flagged: true },
        { title: 'Root-cause analysis approved', flagged: true },
      ])
    })
  })
}
