import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINES } from '../test-support/stores.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'

interface PublicIncident {
  id: number
  severity: string
  tags: string[]
  template: string | null
  customFields: Record<string, unknown>
  status: string
}

for (const engine of ENGINES) {
  describe(`${engine}: incident templates and custom fields`, () => {
    let server: TestServer
    let analyst: string
    let engineer: string

    async function call(method: string, path: string, body?: unknown, token = analyst) {
      const response = await server.request(path, {
        method,
        token,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      const text = await response.text()
      return { status: response.status, json: text ? JSON.parse(text) : undefined }
    }

    beforeAll(async () => {
      server = await startTestServer(engine)
      analyst = await server.tokenFor('analyst')
      engineer = await server.tokenFor('engineer')
    })
    afterAll(() => server.close())

    it('ships phishing, malware and account-compromise templates', async () => {
      const { json } = await call('GET', '/api/v1/incident-templates')
      const names = json.items.map((template: { name: string }) => template.name)
      expect(names).toEqual(['account-compromise', 'malware', 'phishing'])
      const phishing = json.items.find((template: { name: string }) => template.name === 'phishing')
      expect(phishing.builtIn).toBe(true)
      expect(phishing.fields).toContainEqual(
        expect.objectContaining({ name: 'campaign_type', type: 'enum', required: true }),
      )
    })

    it('opens an incident from a template with its tasks, tags and checked custom fields', async () => {
      const created = await call('POST', '/api/v1/incidents', {
        title: 'Invoice lure to finance',
        template: 'phishing',
        tags: ['finance'],
        customFields: { sender: 'billing@evil.example', recipients: 14 },
      })
      expect(created.status).toBe(201)
      const incident = created.json as PublicIncident
      expect(incident).toMatchObject({
        severity: 'medium',
        template: 'phishing',
        customFields: { sender: 'billing@evil.example', recipients: 14 },
      })
      expect(incident.tags).toEqual(expect.arrayContaining(['phishing', 'attack.t1566', 'finance']))
      const tasks = await call('GET', `/api/v1/incidents/${incident.id}/tasks`)
      expect(tasks.json.items).toHaveLength(6)
      expect(tasks.json.items.filter((task: { kind: string }) => task.kind === 'follow_up')).toHaveLength(1)

      const badEnum = await call('POST', '/api/v1/incidents', {
        title: 'x',
        template: 'phishing',
        customFields: { campaign_type: 'spam', nope: 1 },
      })
      expect(badEnum.status).toBe(400)
      expect(badEnum.json.error.code).toBe('invalid_custom_fields')
      expect(badEnum.json.error.details.map((detail: { path: string }) => detail.path).sort()).toEqual([
        'customFields.campaign_type',
        'customFields.nope',
      ])
      const unknownTemplate = await call('POST', '/api/v1/incidents', { title: 'x', template: 'ransomware' })
      expect(unknownTemplate.status).toBe(404)
    })

    it('edits custom fields through the update API, on the timeline and audited, and requires them to close', async () => {
      const { json: incident } = await call('POST', '/api/v1/incidents', {
        title: 'Mailbox rule forwarding to an outside address',
        template: 'account-compromise',
        customFields: { account: 'alice@corp.example' },
      })
      const wrongType = await call('PATCH', `/api/v1/incidents/${incident.id}`, {
        customFields: { privileged: 'yes', compromised_since: 'last week' },
      })
      expect(wrongType.status).toBe(400)

      const edited = await call('PATCH', `/api/v1/incidents/${incident.id}`, {
        severity: 'critical',
        customFields: { privileged: true, compromised_since: '2026-11-28T22:10:00+01:00' },
      })
      expect(edited.status).toBe(200)
      expect(edited.json).toMatchObject({
        severity: 'critical',
        customFields: {
          account: 'alice@corp.example',
          privileged: true,
          compromised_since: '2026-11-28T21:10:00.000Z',
        },
      })

      const closing = await call('POST', `/api/v1/incidents/${incident.id}/status`, {
        status: 'closed',
        resolution: 'true_positive',
      })
      expect(closing.status).toBe(400)
      expect(closing.json.error.code).toBe('custom_fields_required')
      expect(closing.json.error.details.map((detail: { path: string }) => detail.path).sort()).toEqual([
        'customFields.compromise_method',
        'customFields.mfa_enabled',
      ])

      await call('PATCH', `/api/v1/incidents/${incident.id}`, {
        customFields: { mfa_enabled: false, compromise_method: 'token_theft', compromised_since: null },
      })
      const closed = await call('POST', `/api/v1/incidents/${incident.id}/status`, {
        status: 'closed',
        resolution: 'true_positive',
      })
      expect(closed.status).toBe(200)
      expect(closed.json.customFields).not.toHaveProperty('compromised_since')

      const timeline = await call('GET', `/api/v1/incidents/${incident.id}/timeline?kind=update`)
      const bodies = timeline.json.items.map((entry: { body: string }) => entry.body).join('\n')
      expect(bodies).toContain('severity: high → critical')
      expect(bodies).toContain('field privileged: ∅ → true')
      expect(bodies).toContain('field compromise_method: ∅ → "token_theft"')
      const audit = await server.services.store.db
        .selectFrom('audit_log')
        .select(['details'])
        .where('action', '=', 'incident.update')
        .where('target_id', '=', String(incident.id))
        .orderBy('seq')
        .execute()
      expect(audit).toHaveLength(2)
      expect(audit[1]?.details).toMatchObject({ after: { customFields: { mfa_enabled: false } } })
    })

    it('takes free-form custom fields on an incident without a template', async () => {
      const { json } = await call('POST', '/api/v1/incidents', {
        title: 'Odd outbound traffic',
        customFields: { ticket: 'INC-4411', hosts: 3 },
      })
      expect(json).toMatchObject({ template: null, customFields: { ticket: 'INC-4411', hosts: 3 } })
    })

    it('lets engineers (only) manage templates', async () => {
      const ransomware = {
        name: 'ransomware',
        title: 'Ransomware',
        severity: 'critical',
        tags: ['ransomware'],
        tasks: [{ title: 'Isolate the file servers' }],
        fields: [{ name: 'ransom_note', label: 'Ransom note', type: 'string', required: true }],
      }
      expect((await call('POST', '/api/v1/incident-templates', ransomware)).status).toBe(403)
      const noOptions = await call(
        'POST',
        '/api/v1/incident-templates',
        { ...ransomware, fields: [{ name: 'family', label: 'Family', type: 'enum' }] },
        engineer,
      )
      expect(noOptions.status).toBe(400)
      const created = await call('POST', '/api/v1/incident-templates', ransomware, engineer)
      expect(created.status).toBe(201)
      expect(created.json).toMatchObject({
        builtIn: false,
        tasks: [{ title: 'Isolate the file servers', kind: 'task' }],
      })
      expect((await call('POST', '/api/v1/incident-templates', ransomware, engineer)).status).toBe(409)

      const { name: _name, ...definition } = ransomware
      const replaced = await call(
        'PUT',
        '/api/v1/incident-templates/ransomware',
        { ...definition, fields: [...definition.fields, { name: 'paid', label: 'Paid', type: 'boolean' }] },
        engineer,
      )
      expect(replaced.json.fields).toHaveLength(2)
      const incident = await call('POST', '/api/v1/incidents', {
        title: 'Files encrypted on FS01',
        template: 'ransomware',
        customFields: { paid: false },
      })
      expect(incident.json).toMatchObject({ severity: 'critical', customFields: { paid: false } })

      expect(
        (await call('DELETE', '/api/v1/incident-templates/ransomware', undefined, engineer)).status,
      ).toBe(204)
      expect((await call('GET', '/api/v1/incident-templates/ransomware')).status).toBe(404)
      const actions = await server.services.store.db
        .selectFrom('audit_log')
        .select('action')
        .where('target_type', '=', 'incident_template')
        .orderBy('seq')
        .execute()
      expect(actions.map((row) => row.action)).toEqual([
        'incident_template.create',
        'incident_template.update',
        'incident_template.delete',
      ])
    })
  })
}
