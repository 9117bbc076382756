import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AlertBuilder } from '../alerts/alert-builder.js'
import type { NewDetection } from '../store/schema.js'
import { ENGINES } from '../test-support/stores.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'

/**
 * The incident issue's "done when", as one analyst's afternoon: three alerts become an incident,
 * which goes through every NIST phase with tasks, evidence and notes; its RCA is written by one
 * analyst and approved by another; the PDF report reads as a person outside the team would read
 * it; and every write along the way is in the audit log.
 */
function detection(n: number, host: string, at: string): NewDetection {
  return {
    created_at: new Date(),
    detected_at: new Date(at),
    kind: 'sigma',
    rule_id: `story-rule-${n}`,
    rule_title: ['Encoded PowerShell', 'LSASS memory read', 'New service installed'][n - 1]!,
    level: 'high',
    tags: JSON.stringify(['attack.execution']),
    source: 'winlogs',
    event_seqs: JSON.stringify([n]),
    matched: JSON.stringify({}),
    dedup_key: `story:${n}`,
    context: JSON.stringify({ host, user: 'CORP\\bob' }),
  }
}

for (const engine of ENGINES) {
  describe(`${engine}: an incident from three alerts to an approved RCA and a PDF`, () => {
    let server: TestServer
    let analyst: string
    let reviewer: string
    let admin: string

    beforeAll(async () => {
      server = await startTestServer(engine)
      ;[analyst, reviewer, admin] = await Promise.all([
        server.tokenFor('analyst'),
        server.tokenFor('analyst'),
        server.tokenFor('admin'),
      ])
      await server.services.store.db
        .insertInto('detections')
        .values([
          detection(1, 'ws-17', '2026-11-27T21:04:00Z'),
          detection(2, 'ws-17', '2026-11-27T21:06:00Z'),
          detection(3, 'srv-02', '2026-11-27T21:15:00Z'),
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
    }, 60_000)
    afterAll(async () => {
      await server?.close()
    })

    async function call<T>(token: string, method: string, url: string, body?: unknown): Promise<T> {
      const response = await server.request(url, {
        method,
        token,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      const json = (await response.json()) as T
      if (response.status >= 400)
        throw new Error(`${method} ${url}: ${response.status} ${JSON.stringify(json)}`)
      return json
    }

    it('runs the whole story, and the audit log has every write', async () => {
      const alerts = await call<{ items: { id: number }[] }>(analyst, 'GET', '/api/v1/alerts')
      expect(alerts.items).toHaveLength(3)
      const alertIds = alerts.items.map((alert) => alert.id)
      await call(analyst, 'POST', '/api/v1/alerts/bulk', { ids: alertIds, action: 'acknowledge' })

      const incident = await call<{ id: number; status: string }>(analyst, 'POST', '/api/v1/incidents', {
        title: 'Credential theft on ws-17 spreading to srv-02',
        description: 'Encoded PowerShell, then LSASS read, then a service on srv-02.',
        severity: 'high',
        tlp: 'amber',
        alertIds,
      })
      const base = `/api/v1/incidents/${incident.id}`
      const observables = await call<{ items: { value: string }[] }>(analyst, 'GET', `${base}/observables`)
      expect(observables.items.map((item) => item.value)).toEqual(expect.arrayContaining(['ws-17', 'srv-02']))

      const task = await call<{ id: number }>(analyst, 'POST', `${base}/tasks`, {
        title: 'Isolate ws-17 from the network',
      })
      const followUp = await call<{ id: number }>(analyst, 'POST', `${base}/tasks`, {
        kind: 'follow_up',
        title: 'Alert on services installed remotely',
      })
      await call(analyst, 'POST', `${base}/notes`, { body: 'Isolated **ws-17** at 21:40; @bob informed.' })

      const dir = mkdtempSync(path.join(tmpdir(), 'wf-story-'))
      const memoryDump = Buffer.from('MDMP fake lsass dump for the story test')
      const uploaded = await server.request(
        `${base}/evidence?name=lsass.dmp&acquiredBy=alice&acquisitionMethod=procdump`,
        {
          method: 'POST',
          token: analyst,
          headers: { 'content-type': 'application/octet-stream' },
          body: new Uint8Array(memoryDump),
        },
      )
      expect(uploaded.status).toBe(201)
      const evidence = (await uploaded.json()) as { id: number; sha256: string }
      expect(evidence.sha256).toMatch(/^[0-9a-f]{64}$/)
      const verified = await call<{ result: string }>(
        analyst,
        'POST',
        `${base}/evidence/${evidence.id}/verify`,
      )
      expect(verified.result).toBe('intact')

      await call(analyst, 'PATCH', `${base}/tasks/${task.id}`, { status: 'done' })
      for (const status of ['triage', 'containment', 'eradication', 'recovery', 'post_incident']) {
        await call(analyst, 'POST', `${base}/status`, { status, comment: `moving to ${status}` })
      }

      const draft = await call<{ version: number; detection: { ttdMs: number | null } }>(
        analyst,
        'GET',
        `${base}/rca`,
      )
      expect(draft.detection.ttdMs).not.toBeNull()
      const started = await call<{ version: number }>(analyst, 'POST', `${base}/rca`)
      const written = await call<{ version: number }>(analyst, 'PATCH', `${base}/rca`, {
        version: started.version,
        rootCause: 'A phishing attachment ran encoded PowerShell; local admin rights allowed the LSASS read.',
        fiveWhys: [{ question: 'Why could it read LSASS?', answer: 'The user was a local administrator.' }],
      })
      const submitted = await call<{ version: number; state: string }>(
        analyst,
        'POST',
        `${base}/rca/review`,
        {
          action: 'submit',
          version: written.version,
        },
      )
      expect(submitted.state).toBe('in_review')
      const approved = await call<{ state: string; review: { reviewedBy: string } }>(
        reviewer,
        'POST',
        `${base}/rca/review`,
        { action: 'approve', version: submitted.version, comment: 'Clear and complete.' },
      )
      expect(approved.state).toBe('approved')

      const closed = await call<{ status: string }>(analyst, 'POST', `${base}/status`, {
        status: 'closed',
        resolution: 'true_positive',
        impact: 'One workstation and one server; no data left the network.',
      })
      expect(closed.status).toBe('closed')
      const followUps = await call<{ items: { id: number; status: string }[] }>(
        analyst,
        'GET',
        '/api/v1/follow-ups',
      )
      expect(followUps.items.find((item) => item.id === followUp.id)?.status).not.toBe('done')

      const pdf = await server.request(`${base}/report?format=pdf&include=rca`, { token: analyst })
      expect(pdf.status).toBe(200)
      const pdfFile = path.join(dir, 'report.pdf')
      writeFileSync(pdfFile, Buffer.from(await pdf.arrayBuffer()))
      const text = execFileSync('pdftotext', ['-layout', pdfFile, '-']).toString()
      for (const expected of [
        'Credential theft on ws-17 spreading to srv-02',
        'Isolate ws-17 from the network',
        'lsass.dmp',
        'local administrator',
        'Clear and complete',
      ])
        expect(text.replace(/\s+/g, ' ')).toContain(expected)

      const audit = await call<{ items: { action: string; targetId: string | null }[] }>(
        admin,
        'GET',
        '/api/v1/audit?limit=500',
      )
      const actions = new Set(audit.items.map((entry) => entry.action))
      for (const write of [
        'alert.status',
        'incident.create',
        'incident.task_add',
        'incident.task_update',
        'incident.note_add',
        'evidence.add',
        'evidence.verify',
        'incident.status',
        'incident.rca_create',
        'incident.rca_update',
        'incident.rca_submit',
        'incident.rca_approve',
        'incident.export',
        'evidence.export',
      ])
        expect(actions, write).toContain(write)
    })
  })
}
