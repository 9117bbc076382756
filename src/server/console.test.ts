import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Fastify from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import pino from 'pino'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AlertBuilder } from '../alerts/alert-builder.js'
import type { NewDetection } from '../store/schema.js'
import { ENGINES } from '../test-support/stores.js'
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../test-support/test-server.js'
import { CONSOLE_CSP, CONSOLE_DIST, consoleRoutes } from './console.routes.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const CHROMIUM = '/usr/bin/chromium'
const SCREENSHOTS = process.env.WATCHFLOOR_SCREENSHOT_DIR ?? path.join(os.tmpdir(), 'watchfloor-console')
const haveChromium = existsSync(CHROMIUM)

if (!haveChromium) {
  // CI installs Chromium (.ci/run); there a missing browser is a failure, not a skip.
  if (process.env.CI)
    throw new Error(`${CHROMIUM} is missing: the console browser test needs Debian's chromium`)
  console.warn(`console.test.ts: ${CHROMIUM} not found, skipping the browser test (apt-get install chromium)`)
}

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs)
  }
  return newest
}

/** Builds web/dist when it is missing or older than the console's sources (as `npm start` does). */
function ensureConsoleBuilt(): void {
  const index = path.join(CONSOLE_DIST, 'index.html')
  const sources = Math.max(
    newestMtime(path.join(ROOT, 'web', 'src')),
    newestMtime(path.join(ROOT, 'web', 'public')),
    statSync(path.join(ROOT, 'web', 'index.html')).mtimeMs,
  )
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return
  const result = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'web/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  )
  if (result.status !== 0) throw new Error(`console build failed:\n${result.stdout}\n${result.stderr}`)
}

let detectionCounter = 0
function detection(ruleId: string, title: string, level: string, host: string): NewDetection {
  detectionCounter += 1
  return {
    created_at: new Date(),
    detected_at: new Date(),
    kind: 'sigma',
    rule_id: ruleId,
    rule_title: title,
    level,
    tags: JSON.stringify(['attack.credential_access', 'attack.t1003.001']),
    source: 'sysmon',
    event_seqs: JSON.stringify([detectionCounter]),
    matched: JSON.stringify({ CommandLine: `${title.toLowerCase()} on ${host}` }),
    dedup_key: `console:${detectionCounter}`,
    context: JSON.stringify({ host, user: 'CORP\\alice' }),
  }
}

interface PublicAlert {
  id: number
  ruleTitle: string
  status: string
  resolution: string | null
  closeComment: string | null
  incidentId: number | null
  assignee: string | null
}

describe('console: served by the API process', () => {
  let server: TestServer
  beforeAll(async () => {
    ensureConsoleBuilt()
    server = await startTestServer('duckdb')
  })
  afterAll(async () => {
    await server?.close()
  })

  it('serves the app shell with a CSP at / and at client-side routes, JSON 404s under /api', async () => {
    for (const route of ['/', '/alerts/12', '/incidents']) {
      const response = await fetch(`${server.baseUrl}${route}`)
      expect(response.status, route).toBe(200)
      expect(response.headers.get('content-type')).toContain('text/html')
      expect(response.headers.get('content-security-policy')).toBe(CONSOLE_CSP)
      expect(await response.text()).toContain('<div id="root">')
    }
    const api = await fetch(`${server.baseUrl}/api/v1/no-such-thing`)
    expect(api.status).toBe(404)
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('route_not_found')
    // The API stays behind authentication.
    const unauthenticated = await fetch(`${server.baseUrl}/api/v1/alerts`)
    expect(unauthenticated.status).toBe(401)
    await unauthenticated.arrayBuffer()
  })

  it('caches hashed assets for a year and never the shell', async () => {
    const html = await (await fetch(`${server.baseUrl}/`)).text()
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1]
    expect(script).toBeDefined()
    const asset = await fetch(`${server.baseUrl}${script}`)
    expect(asset.status).toBe(200)
    expect(asset.headers.get('cache-control')).toContain('immutable')
    expect(asset.headers.get('cache-control')).toContain('max-age=31536000')
    await asset.arrayBuffer()
    const shell = await fetch(`${server.baseUrl}/`)
    expect(shell.headers.get('cache-control')).toBe('no-cache')
    await shell.arrayBuffer()
    const broken = await fetch(`${server.baseUrl}/alerts/%E0%A4%A`)
    expect(broken.status).toBe(400)
    await broken.arrayBuffer()
    const icon = await fetch(`${server.baseUrl}/favicon.svg`)
    expect(icon.headers.get('content-type')).toContain('image/svg+xml')
    await icon.arrayBuffer()
    const outside = await fetch(`${server.baseUrl}/assets/%2e%2e/%2e%2e/package.json`)
    expect(await outside.text()).not.toContain('"name": "watchfloor"')
  })

  it('says plainly when the console is not built', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'wf-console-empty-'))
    const app = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>()
    try {
      await consoleRoutes(app, `${empty}/`)
      const response = await app.inject({ method: 'GET', url: '/alerts' })
      expect(response.statusCode).toBe(503)
      expect(response.body).toContain('npm run build:web')
    } finally {
      await app.close()
      rmSync(empty, { recursive: true, force: true })
    }
  })
})

for (const engine of ENGINES) {
  describe.skipIf(!haveChromium)(
    `${engine}: console: an analyst triages in a real browser (Chromium)`,
    () => {
      let server: TestServer
      let builder: AlertBuilder
      let context: BrowserContext
      let page: Page
      let profile: string
      let admin: string
      const shots = path.join(SCREENSHOTS, engine)

      async function alertsByTitle(): Promise<Map<string, PublicAlert>> {
        const response = await server.request('/api/v1/alerts?limit=100', { token: admin })
        const { items } = (await response.json()) as { items: PublicAlert[] }
        return new Map(items.map((alert) => [alert.ruleTitle, alert]))
      }

      beforeAll(async () => {
        ensureConsoleBuilt()
        mkdirSync(shots, { recursive: true })
        server = await startTestServer(engine)
        admin = await server.tokenFor('admin')
        builder = new AlertBuilder(
          server.services.store,
          server.services.rules,
          server.services.silences,
          pino({ level: 'silent' }),
          // As the node wires it: new and changed alerts go to the live stream the queue listens to.
          { events: server.services.alertStream },
        )
        await server.services.store.db
          .insertInto('detections')
          .values([
            detection('rule-mimikatz', 'Mimikatz command line', 'critical', 'dc01'),
            detection('rule-lsass', 'LSASS memory dump', 'high', 'ws-17'),
            detection('rule-psexec', 'PsExec service install', 'medium', 'ws-03'),
          ])
          .execute()
        await builder.catchUp()
        const created = await server.request('/api/v1/sources', {
          method: 'POST',
          token: admin,
          body: JSON.stringify({ name: 'sysmon', expectedIntervalSeconds: 600 }),
        })
        expect(created.status).toBe(201)
        const now = Date.now()
        const lines = Array.from({ length: 40 }, (_, n) =>
          JSON.stringify({
            '@timestamp': new Date(now - n * 20 * 60_000).toISOString(),
            host: { name: 'ws-17' },
            message: `event ${n}`,
          }),
        )
        const ingested = await server.request('/api/v1/ingest/sysmon', {
          method: 'POST',
          token: admin,
          headers: { 'content-type': 'application/x-ndjson' },
          body: `${lines.join('\n')}\n`,
        })
        expect(ingested.status).toBeLessThan(300)

        profile = mkdtempSync(path.join(os.tmpdir(), 'wf-chromium-'))
        context = await chromium.launchPersistentContext(profile, {
          executablePath: CHROMIUM,
          headless: true,
          viewport: { width: 1440, height: 860 },
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        })
        page = context.pages()[0] ?? (await context.newPage())
      })

      afterAll(async () => {
        await context?.close()
        if (profile) rmSync(profile, { recursive: true, force: true })
        await builder?.release()
        await server?.close()
      })

      it('logs in, acknowledges with a, closes with c and a resolution, and opens an incident from an alert', async () => {
        // Script errors and console errors (a CSP violation is reported there) fail the test.
        const pageErrors: string[] = []
        page.on('pageerror', (error) => pageErrors.push(error.message))
        page.on('console', (message) => {
          if (message.type() === 'error' && !message.text().includes('401')) pageErrors.push(message.text())
        })

        await page.goto(`${server.baseUrl}/`)
        await page.fill('input[name=username]', 'admin')
        await page.fill('input[name=password]', TEST_ADMIN_PASSWORD)
        await page.click('button[type=submit]')

        const rows = page.locator('tr[data-alert-id]')
        await rows.first().waitFor()
        expect(await rows.count()).toBe(3)
        for (const title of ['Mimikatz command line', 'LSASS memory dump', 'PsExec service install']) {
          await expect.poll(() => page.locator('table.grid tbody').textContent()).toContain(title)
        }

        // A new alert arrives over the live stream, without a reload (the fallback poll is slower
        // than the wait here).
        await server.services.store.db
          .insertInto('detections')
          .values([detection('rule-schtask', 'Suspicious scheduled task', 'low', 'ws-09')])
          .execute()
        await builder.catchUp()
        await page.getByText('Suspicious scheduled task').waitFor({ timeout: 20_000 })
        expect(await rows.count()).toBe(4)
        await page.screenshot({ path: path.join(shots, 'queue.png') })

        // ? lists the keys; Escape closes the list and the queue's keys work again.
        await page.keyboard.press('?')
        await page.getByRole('dialog', { name: 'Keyboard' }).waitFor()
        await page.keyboard.press('Escape')
        await page.locator('dialog[open]').waitFor({ state: 'detached' })

        // / jumps to the rule filter; Escape leaves it and the keys work on the rows again.
        await page.keyboard.press('/')
        await page.keyboard.type('lsass')
        await expect.poll(() => rows.count()).toBe(1)
        await page.keyboard.press('Escape')
        await page.fill('input[name=rule]', '')
        await page.locator('input[name=rule]').blur()
        await expect.poll(() => rows.count()).toBe(4)

        // Acknowledge the row under the cursor with the keyboard.
        const firstId = Number(await rows.nth(0).getAttribute('data-alert-id'))
        await page.keyboard.press('a')
        await page.locator(`tr[data-alert-id="${firstId}"] .status-acknowledged`).waitFor()
        // m assigns it to whoever is logged in.
        await page.keyboard.press('m')
        await expect
          .poll(() => page.locator(`tr[data-alert-id="${firstId}"] td.assignee`).textContent())
          .toBe('admin')

        // j moves down; c opens the close dialog; the resolution and comment go to the server.
        const secondId = Number(await rows.nth(1).getAttribute('data-alert-id'))
        await page.keyboard.press('j')
        await page.locator(`tr[data-alert-id="${secondId}"].cursor`).waitFor()
        await page.keyboard.press('c')
        await page.locator('dialog[open]').waitFor()
        await page.selectOption('dialog select[name=resolution]', 'benign_positive')
        await page.fill('dialog textarea[name=comment]', 'Admin testing backup tooling, ticket CHG-1234')
        await page.screenshot({ path: path.join(shots, 'close-dialog.png') })
        await page.click('dialog button[type=submit]')
        await page.locator(`tr[data-alert-id="${secondId}"]`).waitFor({ state: 'detached' })

        const afterTriage = [...(await alertsByTitle()).values()]
        const first = afterTriage.find((alert) => alert.id === firstId)!
        const second = afterTriage.find((alert) => alert.id === secondId)!
        expect(first).toMatchObject({ status: 'acknowledged', assignee: 'admin' })
        expect(second).toMatchObject({
          status: 'closed',
          resolution: 'benign_positive',
          closeComment: 'Admin testing backup tooling, ticket CHG-1234',
        })

        // Enter opens the alert under the cursor; an incident is opened from it.
        await page.keyboard.press('k')
        await page.locator(`tr[data-alert-id="${firstId}"].cursor`).waitFor()
        await page.keyboard.press('Enter')
        await page.waitForURL(`**/alerts/${firstId}`)
        await page.getByText('Matched fields').waitFor()
        await page.screenshot({ path: path.join(shots, 'alert.png') })
        await page.getByRole('button', { name: /Create incident/ }).click()
        await page.locator('dialog[open] input[name=title]').waitFor()
        await page.click('dialog button[type=submit]')
        await page.waitForURL(/\/incidents\/\d+$/)
        const incidentId = Number(new URL(page.url()).pathname.split('/').pop())
        await page.locator('.stepper [aria-current=step]').waitFor()
        expect(await page.locator('.stepper [aria-current=step]').textContent()).toBe('open')
        // The stepper moves the incident to the next NIST phase; the timeline records it.
        await page.locator('.stepper button', { hasText: 'triage' }).click()
        await expect.poll(() => page.locator('.stepper [aria-current=step]').textContent()).toBe('triage')
        await page.fill('input[name=task]', 'Reset the krbtgt password twice')
        await page.keyboard.press('Enter')
        await page.getByText('Reset the krbtgt password twice').waitFor()
        await page.screenshot({ path: path.join(shots, 'incident.png'), fullPage: true })
        const linked = [...(await alertsByTitle()).values()].find((alert) => alert.id === firstId)!
        expect(linked.incidentId).toBe(incidentId)
        // The alert's entities became the incident's observables, and the page lists them.
        await expect.poll(() => page.locator('.observables').textContent()).toContain('dc01')
        // Evidence uploaded through the API shows with its hash; Verify re-hashes it on the server.
        const capture = Buffer.from('lsass.dmp would be here')
        const uploaded = await server.request(
          `/api/v1/incidents/${incidentId}/evidence?name=lsass-dc01.dmp`,
          {
            method: 'POST',
            token: admin,
            headers: { 'content-type': 'application/octet-stream' },
            body: Uint8Array.from(capture),
          },
        )
        expect(uploaded.status).toBe(201)
        await page.reload()
        const evidenceRow = page.locator('.evidence li', { hasText: 'lsass-dc01.dmp' })
        await evidenceRow.getByText('not verified').waitFor()
        expect(await evidenceRow.locator('.mono').getAttribute('title')).toBe(
          createHash('sha256').update(capture).digest('hex'),
        )
        await evidenceRow.getByRole('button', { name: 'Verify' }).click()
        await evidenceRow.getByText('intact').waitFor()
        // The chain of custody, oldest first: the upload through the API, then the check just made.
        const custody = evidenceRow.locator('.custody')
        const custodyEntries = custody.locator('li')
        await custody.locator('summary', { hasText: 'Custody' }).click()
        await expect
          .poll(() => custodyEntries.allTextContents())
          .toEqual([
            // Uploaded with the test's admin token, checked by the admin logged in here.
            expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d token:admin test acquire$/),
            expect.stringMatching(
              / token:admin test upload sha256 [0-9a-f]{64} · sizeBytes 23 · deduplicated /,
            ),
            expect.stringMatching(/ admin verify result intact/),
          ])
        // Download needs a reason, which the link carries to the server and custody keeps.
        const download = evidenceRow.getByText('Download', { exact: true })
        expect(await download.getAttribute('href')).toBeNull()
        await evidenceRow
          .getByRole('textbox', { name: 'Reason to download lsass-dc01.dmp' })
          .fill('Sandbox analysis')
        const href = await download.getAttribute('href')
        expect(href).toBe(
          `/api/v1/incidents/${incidentId}/evidence/${await evidenceRow.getAttribute('data-evidence-id')}/content?reason=Sandbox%20analysis`,
        )
        const fetched = await page.evaluate(async (url) => {
          const response = await fetch(url)
          return { status: response.status, bytes: [...new Uint8Array(await response.arrayBuffer())] }
        }, href ?? '')
        expect(fetched.status).toBe(200)
        expect(Buffer.from(fetched.bytes)).toEqual(capture)
        // Opened again, the list is read afresh: the download is in it, with who and why.
        await custody.locator('summary').click()
        await custody.locator('summary').click()
        await expect.poll(() => custodyEntries.count()).toBe(4)
        const downloaded = custodyEntries.nth(3)
        expect(await downloaded.textContent()).toMatch(/ admin download/)
        expect(await downloaded.locator('blockquote').textContent()).toBe('Sandbox analysis')
        // A download from the link itself: the file arrives, and the open list shows it unasked.
        const saving = page.waitForEvent('download')
        await download.click()
        const saved = await saving
        expect(readFileSync((await saved.path())!)).toEqual(capture)
        await expect.poll(() => custodyEntries.count()).toBe(5)
        expect(await custodyEntries.nth(4).textContent()).toMatch(/ admin download/)
        await page.screenshot({ path: path.join(shots, 'incident-evidence.png'), fullPage: true })
        expect(await page.locator('.rca-state').textContent()).toContain('not started')
        expect(await page.getByRole('link', { name: 'PDF' }).getAttribute('href')).toBe(
          `/api/v1/incidents/${incidentId}/report?format=pdf&include=rca`,
        )
        // The RCA: started from the pre-filled draft, written, saved, submitted and approved.
        await page.getByRole('link', { name: 'RCA' }).click()
        await page.waitForURL(`**/incidents/${incidentId}/rca`)
        await page.getByRole('button', { name: 'Start the RCA' }).click()
        await page.getByRole('button', { name: 'Save' }).waitFor()
        await page.fill(
          'textarea[name=rootCause]',
          'A domain admin logged on to a workstation with cached credentials',
        )
        await page.fill('textarea[name=contributingFactors]', 'No tiering\nLSASS not protected')
        await page.getByRole('button', { name: 'Save' }).click()
        await page.getByText(/saved as version/).waitFor()
        await page.getByRole('button', { name: 'Submit for review' }).click()
        await page.getByRole('button', { name: 'Approve' }).click()
        await expect.poll(() => page.locator('.page-head .rca-state').textContent()).toBe('approved')
        await page.screenshot({ path: path.join(shots, 'rca.png'), fullPage: true })
        const rca = (await (
          await server.request(`/api/v1/incidents/${incidentId}/rca`, { token: admin })
        ).json()) as { state: string; rootCause: string; contributingFactors: string[] }
        expect(rca).toMatchObject({
          state: 'approved',
          rootCause: 'A domain admin logged on to a workstation with cached credentials',
          contributingFactors: ['No tiering', 'LSASS not protected'],
        })

        // From the queue, x selects the medium alert and n adds it to the open incident.
        await page.goto(`${server.baseUrl}/alerts`)
        const psexec = page.locator('tr[data-alert-id]', { hasText: 'PsExec service install' })
        await psexec.click()
        await page.keyboard.press('x')
        await page.keyboard.press('n')
        await page
          .locator('dialog[open] select[name=incident] option', { hasText: `IR-${incidentId}` })
          .waitFor({
            state: 'attached',
          })
        await page.selectOption('dialog select[name=incident]', String(incidentId))
        await page.click('dialog button[type=submit]')
        await page.waitForURL(`**/incidents/${incidentId}`)
        const added = (await alertsByTitle()).get('PsExec service install')!
        expect(added.incidentId).toBe(incidentId)

        // A known-good pattern is tuned out from the alert: an exception on its host for this rule,
        // and the alert closed as a false positive with the exception's reason.
        await page.goto(`${server.baseUrl}/alerts/${added.id}`)
        await page.getByRole('button', { name: 'Add exception' }).click()
        const dialog = page.locator('dialog[open]')
        await dialog.waitFor()
        const hostCondition = dialog.locator('label.check', { hasText: /^\s*host = / })
        expect(await hostCondition.locator('input').isChecked()).toBe(true)
        const host = ((await hostCondition.locator('code').textContent()) ?? '').trim()
        await dialog
          .locator('textarea[name=reason]')
          .fill('PsExec from the jump host is the admins’ deploy path')
        await page.screenshot({ path: path.join(shots, 'exception-dialog.png') })
        await dialog.locator('button[type=submit]').click()
        await dialog.waitFor({ state: 'detached' })
        await page.locator('.page-head').getByText('false positive').waitFor()
        const exceptions = (await (await server.request('/api/v1/exceptions', { token: admin })).json()) as {
          items: { id: number; ruleId: string | null; matchers: unknown[]; reason: string }[]
        }
        const tuned = exceptions.items.find((item) => item.reason.startsWith('PsExec from the jump host'))!
        expect(tuned.matchers).toEqual([{ field: 'host', op: 'equals', value: host, negate: false }])
        expect(tuned.ruleId).not.toBeNull()
        // g t: the tuning page lists it with its reason; Expire ends it.
        await page.keyboard.press('g')
        await page.keyboard.press('t')
        await page.waitForURL('**/tuning')
        const tunedRow = page.locator(`tr[data-exception-id="${tuned.id}"]`)
        await tunedRow.getByText('PsExec from the jump host').waitFor()
        await page.screenshot({ path: path.join(shots, 'tuning.png') })
        await tunedRow.getByRole('button', { name: 'Expire' }).click()
        await tunedRow.waitFor({ state: 'detached' })
        const ended = (await (
          await server.request(`/api/v1/exceptions/${tuned.id}`, { token: admin })
        ).json()) as { state: string }
        expect(ended.state).toBe('expired')

        await page.goto(`${server.baseUrl}/incidents`)
        await page.getByText(`IR-${incidentId}`).waitFor()
        await page.goto(`${server.baseUrl}/rules`)
        await page.locator('table.grid tbody tr').first().waitFor()
        // Turning a rule off asks why; the answer goes to the server with it.
        const ruleRow = page.locator('table.grid tbody tr').first()
        const ruleTitle = (await ruleRow.locator('td.rule').textContent()) ?? ''
        page.once('dialog', (prompt) => void prompt.accept('too noisy on build hosts'))
        await ruleRow.getByRole('button', { name: 'Disable' }).click()
        await ruleRow.getByRole('button', { name: 'Enable' }).waitFor()
        const rules = (await (
          await server.request('/api/v1/rules?enabled=false', { token: admin })
        ).json()) as {
          items: { title: string; disabledReason: string | null }[]
        }
        expect(rules.items).toContainEqual(
          expect.objectContaining({ title: ruleTitle, disabledReason: 'too noisy on build hosts' }),
        )
        await page.screenshot({ path: path.join(shots, 'rules.png') })

        // The charts draw from the console stats API.
        await page.goto(`${server.baseUrl}/overview`)
        await page.locator('.chart canvas').first().waitFor()
        await page.getByText('False-positive rate by rule').waitFor()
        await page.screenshot({ path: path.join(shots, 'overview.png') })
        await page.goto(`${server.baseUrl}/sources`)
        await page.locator('.chart canvas').first().waitFor()
        expect(await page.locator('table.grid tbody').textContent()).toContain('sysmon')
        await page.screenshot({ path: path.join(shots, 'sources.png') })
        await page.goto(`${server.baseUrl}/brief`)
        await page.getByText('still open').waitFor()
        await page.screenshot({ path: path.join(shots, 'brief.png'), fullPage: true })

        expect(pageErrors).toEqual([])
      })
    },
  )
}
