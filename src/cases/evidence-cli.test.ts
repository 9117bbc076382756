import { createHash, randomBytes } from 'node:crypto'
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../test-support/cli-process.js'
import { ENGINES } from '../test-support/stores.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'

for (const engine of ENGINES) {
  describe(`${engine}: watchfloor evidence`, () => {
    let server: TestServer
    let dataDir: string
    let workDir: string
    let env: Record<string, string>
    let incidentId: number

    beforeAll(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), 'wf-evidence-data-'))
      workDir = await mkdtemp(path.join(tmpdir(), 'wf-evidence-cli-'))
      server = await startTestServer(engine, { dataDir })
      const token = await server.tokenFor('analyst')
      env = { WATCHFLOOR_URL: server.baseUrl, WATCHFLOOR_TOKEN: token }
      const response = await server.request('/api/v1/incidents', {
        method: 'POST',
        token,
        body: JSON.stringify({ title: 'Malware on WS-17' }),
      })
      incidentId = ((await response.json()) as { id: number }).id
    })
    afterAll(async () => {
      await server.close()
      await rm(dataDir, { recursive: true, force: true })
      await rm(workDir, { recursive: true, force: true })
    })

    it('adds, lists, downloads and verifies evidence, and exits 1 on a tampered file', async () => {
      const content = randomBytes(300_000)
      const hash = createHash('sha256').update(content).digest('hex')
      const file = path.join(workDir, 'sample.bin')
      await writeFile(file, content)

      const added = await runCli(
        ['evidence', 'add', String(incidentId), file, '--acquired-where', 'WS-17', '--reason', 'the dropper'],
        { env },
      )
      expect(added.stderr).toBe('')
      expect(added.stdout).toContain(`sha256 ${hash}`)
      const id = /evidence (\d+) added/.exec(added.stdout)?.[1]
      expect(id).toBeDefined()

      const listed = await runCli(['evidence', 'list', String(incidentId)], { env })
      expect(listed.stdout).toMatch(new RegExp(`${id}\\s+sample\\.bin\\s+300000\\s+${hash}`))

      const output = path.join(workDir, 'copy.bin')
      const got = await runCli(
        ['evidence', 'get', String(incidentId), id!, '-o', output, '--reason', 'sandbox detonation'],
        { env },
      )
      expect(got.stdout).toContain('(matches)')
      expect((await readFile(output)).equals(content)).toBe(true)

      const intact = await runCli(['evidence', 'verify', String(incidentId), id!], { env })
      expect(intact).toMatchObject({ code: 0, stdout: `intact: sha256 ${hash}\n` })

      const stored = path.join(dataDir, 'evidence', 'sha256', hash.slice(0, 2), hash.slice(2, 4), hash)
      await chmod(stored, 0o600)
      await writeFile(stored, Buffer.concat([content.subarray(1), Buffer.from('x')]))
      const modified = await runCli(['evidence', 'verify', String(incidentId), id!], { env })
      expect(modified.code).toBe(1)
      expect(modified.stderr).toContain(`MODIFIED: expected sha256 ${hash}`)
    }, 240_000)
  })
}
