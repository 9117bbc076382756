import { mkdtempSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli, startServerProcess } from '../test-support/cli-process.js'
import { createScratchDatabase } from '../test-support/stores.js'

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'wf-cli-'))
}

async function login(url: string, password: string): Promise<Response> {
  return fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  })
}

describe('watchfloor CLI', () => {
  it('config check lists every problem at once and exits 2', async () => {
    const dir = tempDir()
    const file = path.join(dir, 'wf.yml')
    writeFileSync(file, 'server:\n  port: seventy\nstorage:\n  retentionDays: -1\n')
    const result = await runCli(['config', 'check', '--config', file], {
      env: { WATCHFLOOR_ROLES: 'web,gardening' },
    })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('3 problems')
    expect(result.stderr).toContain('server.port')
    expect(result.stderr).toContain('storage.retentionDays')
    expect(result.stderr).toContain('WATCHFLOOR_ROLES')

    const ok = await runCli(['config', 'check'])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain('configuration is valid')
  })

  it('prints help for each command and refuses an unknown one', async () => {
    for (const args of [
      ['--help'],
      ['serve', '--help'],
      ['user', 'create', '--help'],
      ['token', 'create', '--help'],
      ['audit', 'verify', '--help'],
    ]) {
      const result = await runCli(args)
      expect(result.code, args.join(' ')).toBe(0)
      expect(result.stdout, args.join(' ')).toMatch(/Usage: watchfloor/)
    }
    const unknown = await runCli(['frobnicate'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/unknown command/)
  })

  describe('on the embedded database, as a new user would', () => {
    const dataDir = tempDir()

    it('serves, prints a one-time admin password that logs in, finishes a request in flight on SIGTERM', async () => {
      const server = await startServerProcess(['--data-dir', dataDir])
      expect(server.adminPassword).toMatch(/^\S{20}$/)
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200)
      const anonymous = await fetch(`${server.url}/api/v1/users`)
      expect(anonymous.status).toBe(401)
      expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('unauthenticated')
      expect((await login(server.url, server.adminPassword!)).status).toBe(200)

      // Send half a request, signal the server, then finish it: the answer must still come.
      const body = JSON.stringify({ username: 'admin', password: server.adminPassword })
      const answer = new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${server.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        })
        req.on('response', (response) => {
          response.resume()
          resolve(response.statusCode ?? 0)
        })
        req.on('error', reject)
        req.write(body.slice(0, 10))
        setTimeout(() => {
          server.child.kill('SIGTERM')
          setTimeout(() => req.end(body.slice(10)), 300)
        }, 200)
      })
      expect(await answer).toBe(200)
      expect(await server.exited).toBe(0)
    })

    it('creates users and tokens from the CLI; a viewer token gets 403 on a write', async () => {
      const created = await runCli(['user', 'create', 'vera', '--role', 'viewer', '--data-dir', dataDir])
      expect(created.code).toBe(0)
      expect(created.stdout).toMatch(/password: \S+/)
      const token = await runCli([
        'token',
        'create',
        '--user',
        'vera',
        '--role',
        'viewer',
        '--name',
        'test',
        '--data-dir',
        dataDir,
      ])
      expect(token.code).toBe(0)
      const viewerToken = token.stdout.trim()
      const escalate = await runCli([
        'token',
        'create',
        '--user',
        'vera',
        '--role',
        'admin',
        '--name',
        'x',
        '--data-dir',
        dataDir,
      ])
      expect(escalate.code).toBe(2)

      const server = await startServerProcess(['--data-dir', dataDir])
      expect(server.adminPassword).toBeUndefined()
      const headers = { authorization: `Bearer ${viewerToken}`, 'content-type': 'application/json' }
      expect((await fetch(`${server.url}/api/v1/auth/me`, { headers })).status).toBe(200)
      const write = await fetch(`${server.url}/api/v1/users`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ username: 'z', password: 'long enough password', role: 'viewer' }),
      })
      expect(write.status).toBe(403)
      server.child.kill('SIGTERM')
      expect(await server.exited).toBe(0)
    })

    it('audit verify passes, then fails naming the row edited by hand', async () => {
      const intact = await runCli(['audit', 'verify', '--data-dir', dataDir])
      expect(intact.code).toBe(0)
      expect(intact.stdout).toMatch(/intact: \d+ entries/)

      const instance = await DuckDBInstance.create(path.join(dataDir, 'watchfloor.duckdb'))
      const connection = await instance.connect()
      await connection.run(`UPDATE audit_log SET action = 'user.nothing_to_see' WHERE seq = 2`)
      connection.closeSync()
      instance.closeSync()

      const broken = await runCli(['audit', 'verify', '--data-dir', dataDir])
      expect(broken.code).toBe(1)
      expect(broken.stderr).toContain('seq=2')
    })
  })

  describe('on PostgreSQL', () => {
    let drop: (() => Promise<void>) | undefined
    afterAll(async () => {
      await drop?.()
    })

    it('migrates, serves and verifies the audit chain on a PostgreSQL database', async () => {
      const scratch = await createScratchDatabase()
      drop = scratch.drop
      const migrated = await runCli(['migrate', '--database-url', scratch.url])
      expect(migrated.code).toBe(0)
      expect(migrated.stdout).toContain('001-foundation')

      const server = await startServerProcess(['--database-url', scratch.url, '--roles', 'web'])
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200)
      expect((await login(server.url, server.adminPassword!)).status).toBe(200)
      // A second CLI process can work on PostgreSQL while the server runs.
      const user = await runCli(['user', 'create', 'pat', '--role', 'analyst', '--database-url', scratch.url])
      expect(user.code).toBe(0)
      const verify = await runCli(['audit', 'verify', '--database-url', scratch.url])
      expect(verify.code).toBe(0)
      server.child.kill('SIGTERM')
      expect(await server.exited).toBe(0)
    })

    it('says clearly when PostgreSQL cannot be reached and exits 3', async () => {
      const result = await runCli(['migrate', '--database-url', 'postgres://nobody@127.0.0.1:1/none'])
      expect(result.code).toBe(3)
      expect(result.stderr).toMatch(/cannot reach PostgreSQL/)
    })
  })
})
