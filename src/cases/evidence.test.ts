import { createHash, randomBytes } from 'node:crypto'
import { chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI_ORIGIN, SYSTEM_ACTOR } from '../auth/actor.js'
import { ENGINES } from '../test-support/stores.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'

const LIMIT = 256 * 1024
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name))
}

/** A chunked upload (no Content-Length), so the limit is met while the file streams in. */
function chunkedUpload(
  url: string,
  token: string,
  chunks: Buffer[],
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      },
      (response) => {
        let body = ''
        response.on('data', (chunk: Buffer) => {
          body += chunk.toString()
        })
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
      },
    )
    req.on('error', reject)
    for (const chunk of chunks) req.write(chunk)
    req.end()
  })
}

for (const engine of ENGINES) {
  describe(`${engine}: evidence`, () => {
    let server: TestServer
    let dataDir: string
    let analyst: string
    let viewer: string
    let incidentId: number

    const upload = (body: Buffer, query: Record<string, string>, contentType = 'application/octet-stream') =>
      server.request(`/api/v1/incidents/${incidentId}/evidence?${new URLSearchParams(query)}`, {
        method: 'POST',
        token: analyst,
        headers: { 'content-type': contentType },
        body: Uint8Array.from(body),
      })

    beforeAll(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), 'wf-evidence-'))
      // Evidence has its own limit: uploads above the server's JSON body limit must still pass.
      server = await startTestServer(engine, { dataDir, evidenceMaxBytes: LIMIT, bodyLimitBytes: 64 * 1024 })
      analyst = await server.tokenFor('analyst')
      viewer = await server.tokenFor('viewer')
      const response = await server.request('/api/v1/incidents', {
        method: 'POST',
        token: analyst,
        body: JSON.stringify({ title: 'Phishing wave' }),
      })
      incidentId = ((await response.json()) as { id: number }).id
    })
    afterAll(async () => {
      await server.close()
      await rm(dataDir, { recursive: true, force: true })
    })

    it('stores an upload by its SHA-256 once, keeps a chain of custody, and verifies it intact', async () => {
      const content = randomBytes(100_000)
      const response = await upload(
        content,
        {
          name: 'invoice.eml',
          description: 'The phishing mail as received',
          acquiredBy: 'mail-admin',
          acquiredAt: '2026-11-30T09:15:00+01:00',
          acquiredWhere: 'Exchange mailbox of alice',
          acquisitionMethod: 'Export-Mailbox',
          reason: 'original of the first report',
        },
        'message/rfc822',
      )
      expect(response.status).toBe(201)
      const item = (await response.json()) as Record<string, unknown>
      expect(item).toMatchObject({
        name: 'invoice.eml',
        mediaType: 'message/rfc822',
        sha256: sha256(content),
        sizeBytes: content.length,
        acquiredBy: 'mail-admin',
        acquiredAt: '2026-11-30T08:15:00.000Z',
        acquiredWhere: 'Exchange mailbox of alice',
        deduplicated: false,
      })
      const hash = sha256(content)
      const stored = path.join(dataDir, 'evidence', 'sha256', hash.slice(0, 2), hash.slice(2, 4), hash)
      expect(await filesUnder(path.join(dataDir, 'evidence', 'sha256'))).toEqual([stored])

      const again = await upload(content, { name: 'invoice-copy.eml' })
      expect(again.status).toBe(201)
      expect(await again.json()).toMatchObject({ sha256: hash, deduplicated: true })
      expect(await filesUnder(path.join(dataDir, 'evidence', 'sha256'))).toEqual([stored])

      const id = item.id as number
      const noReason = await server.request(`/api/v1/incidents/${incidentId}/evidence/${id}/content`, {
        token: analyst,
      })
      expect(noReason.status).toBe(400)
      const download = await server.request(
        `/api/v1/incidents/${incidentId}/evidence/${id}/content?reason=${encodeURIComponent('send to the malware lab')}`,
        { token: analyst },
      )
      expect(download.status).toBe(200)
      expect(download.headers.get('x-watchfloor-sha256')).toBe(hash)
      expect(download.headers.get('content-disposition')).toContain('invoice.eml')
      expect(Buffer.from(await download.arrayBuffer()).equals(content)).toBe(true)
      const forbidden = await server.request(
        `/api/v1/incidents/${incidentId}/evidence/${id}/content?reason=x`,
        {
          token: viewer,
        },
      )
      expect(forbidden.status).toBe(403)

      const exported = await server.request(`/api/v1/incidents/${incidentId}/evidence/${id}/custody`, {
        method: 'POST',
        token: analyst,
        body: JSON.stringify({ action: 'export', reason: 'copy on a sealed USB stick for counsel' }),
      })
      expect(exported.status).toBe(201)

      const verify = await server.request(`/api/v1/incidents/${incidentId}/evidence/${id}/verify`, {
        method: 'POST',
        token: analyst,
      })
      expect(await verify.json()).toMatchObject({
        result: 'intact',
        expectedSha256: hash,
        actualSha256: hash,
      })

      const view = await server.request(`/api/v1/incidents/${incidentId}/evidence/${id}`, { token: viewer })
      const viewed = (await view.json()) as {
        custody: { action: string; actor: string; reason: string | null }[]
      }
      expect(viewed.custody.map((entry) => entry.action)).toEqual([
        'acquire',
        'upload',
        'download',
        'export',
        'verify',
        'view',
      ])
      expect(viewed.custody[0]?.actor).toBe('mail-admin')
      expect(viewed.custody[2]?.reason).toBe('send to the malware lab')

      const timeline = await server.request(`/api/v1/incidents/${incidentId}/timeline?kind=evidence`, {
        token: viewer,
      })
      const titles = ((await timeline.json()) as { items: { title: string }[] }).items.map(
        (entry) => entry.title,
      )
      expect(titles).toEqual(
        expect.arrayContaining([
          `Evidence ${id} added: invoice.eml`,
          `Evidence ${id} downloaded: invoice.eml`,
          `Evidence ${id} exported: invoice.eml`,
          `Evidence ${id} verified: invoice.eml (intact)`,
        ]),
      )
      const audit = await server.services.store.db
        .selectFrom('audit_log')
        .select('action')
        .where('action', 'like', 'evidence.%')
        .orderBy('seq')
        .execute()
      expect(audit.map((row) => row.action)).toEqual([
        'evidence.add',
        'evidence.add',
        'evidence.download',
        'evidence.export',
        'evidence.verify',
        'evidence.view',
      ])
    })

    it('detects a tampered file and reports both hashes', async () => {
      const content = Buffer.from(`memory dump ${randomBytes(16).toString('hex')}\n`.repeat(500))
      const created = (await (await upload(content, { name: 'host42.mem' })).json()) as { id: number }
      const hash = sha256(content)
      const stored = path.join(dataDir, 'evidence', 'sha256', hash.slice(0, 2), hash.slice(2, 4), hash)
      const tampered = Buffer.concat([content, Buffer.from('one more line\n')])
      await chmod(stored, 0o600)
      await writeFile(stored, tampered)

      const response = await server.request(`/api/v1/incidents/${incidentId}/evidence/${created.id}/verify`, {
        method: 'POST',
        token: analyst,
      })
      expect(await response.json()).toMatchObject({
        result: 'modified',
        expectedSha256: hash,
        actualSha256: sha256(tampered),
        actualSizeBytes: tampered.length,
        evidence: { lastVerifyResult: 'modified' },
      })
      const timeline = await server.request(`/api/v1/incidents/${incidentId}/timeline?flagged=true`, {
        token: viewer,
      })
      const titles = ((await timeline.json()) as { items: { title: string }[] }).items.map(
        (entry) => entry.title,
      )
      expect(titles).toContain(`Evidence ${created.id} verified: host42.mem (modified)`)
    })

    it('reports a stored file that is gone, and moves evidence along when incidents merge', async () => {
      const other = await server.request('/api/v1/incidents', {
        method: 'POST',
        token: analyst,
        body: JSON.stringify({ title: 'Same wave, second report' }),
      })
      const otherId = ((await other.json()) as { id: number }).id
      const content = randomBytes(5_000)
      const response = await server.request(`/api/v1/incidents/${otherId}/evidence?name=lure.html`, {
        method: 'POST',
        token: analyst,
        headers: { 'content-type': 'text/html' },
        body: Uint8Array.from(content),
      })
      const item = (await response.json()) as { id: number; mediaType: string }
      expect(item.mediaType).toBe('text/html')
      const merged = await server.request(`/api/v1/incidents/${incidentId}/merge`, {
        method: 'POST',
        token: analyst,
        body: JSON.stringify({ incidentId: otherId }),
      })
      expect(merged.status).toBe(200)
      const download = await server.request(
        `/api/v1/incidents/${incidentId}/evidence/${item.id}/content?reason=triage`,
        { token: analyst },
      )
      // A phishing page is handed out as a file, never as a page a browser would render.
      expect(download.headers.get('content-type')).toBe('application/octet-stream')
      expect(download.headers.get('x-watchfloor-media-type')).toBe('text/html')
      expect(Buffer.from(await download.arrayBuffer()).equals(content)).toBe(true)

      const hash = sha256(content)
      await rm(path.join(dataDir, 'evidence', 'sha256', hash.slice(0, 2), hash.slice(2, 4), hash))
      const verify = await server.request(`/api/v1/incidents/${incidentId}/evidence/${item.id}/verify`, {
        method: 'POST',
        token: analyst,
      })
      expect(await verify.json()).toMatchObject({
        result: 'missing',
        expectedSha256: hash,
        actualSha256: null,
      })
      const gone = await server.request(
        `/api/v1/incidents/${incidentId}/evidence/${item.id}/content?reason=triage`,
        { token: analyst },
      )
      expect(gone.status).toBe(410)
    })

    it('keeps no file of an upload whose record cannot be written', async () => {
      const before = await filesUnder(path.join(dataDir, 'evidence'))
      const bytes = randomBytes(1_024)
      // A record the database refuses (no media type) after the bytes reached the disk.
      const input = { name: 'orphan.bin', mediaType: null as unknown as string }
      await expect(
        server.services.evidence.add(incidentId, input, Readable.from([bytes]), SYSTEM_ACTOR, CLI_ORIGIN),
      ).rejects.toThrow()
      expect(await filesUnder(path.join(dataDir, 'evidence'))).toEqual(before)
    })

    it('refuses an upload over the limit with 413 and leaves no file behind', async () => {
      const before = await filesUnder(path.join(dataDir, 'evidence'))
      const declared = await upload(randomBytes(LIMIT + 1), { name: 'too-big.bin' })
      expect(declared.status).toBe(413)
      expect(((await declared.json()) as { error: { code: string } }).error.code).toBe('evidence_too_large')

      const url = `${server.baseUrl}/api/v1/incidents/${incidentId}/evidence?name=streamed-too-big.bin`
      const streamed = await chunkedUpload(url, analyst, [randomBytes(LIMIT), randomBytes(LIMIT)])
      expect(streamed.status).toBe(413)
      expect(JSON.parse(streamed.body).error.message).toContain(`${LIMIT} bytes`)
      expect(await filesUnder(path.join(dataDir, 'evidence'))).toEqual(before)

      const empty = await upload(Buffer.alloc(0), { name: 'empty.log' })
      expect(await empty.json()).toMatchObject({ sizeBytes: 0, sha256: sha256(Buffer.alloc(0)) })

      const list = await server.request(`/api/v1/incidents/${incidentId}/evidence`, { token: viewer })
      const names = ((await list.json()) as { items: { name: string }[] }).items.map((item) => item.name)
      expect(names).not.toContain('too-big.bin')
      expect(names).not.toContain('streamed-too-big.bin')
    })
  })
}
