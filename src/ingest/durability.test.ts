import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openStore } from '../store/open-store.js'
import { startServerProcess } from '../test-support/cli-process.js'
import { createScratchDatabase, ENGINES } from '../test-support/stores.js'

async function engineerToken(url: string, adminPassword: string): Promise<string> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: adminPassword }),
  })
  const { csrfToken } = (await login.json()) as { csrfToken: string }
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  const created = await fetch(`${url}/api/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ name: 'load', role: 'engineer' }),
  })
  return ((await created.json()) as { token: string }).token
}

/**
 * The promise behind every acknowledgement: kill -9 the server while senders are mid-stream,
 * restart it, and every event that was answered 200 must be in the database.
 */
for (const engine of ENGINES) {
  describe(`${engine}: durability`, () => {
    let drop: (() => Promise<void>) | undefined
    afterAll(async () => {
      await drop?.()
    })

    it('loses no acknowledged event when the server is killed with SIGKILL during sustained ingest', async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'wf-durability-'))
      let storageArgs = ['--data-dir', dataDir]
      if (engine === 'postgres') {
        const scratch = await createScratchDatabase()
        drop = scratch.drop
        storageArgs = ['--database-url', scratch.url]
      }
      const server = await startServerProcess(storageArgs)
      const token = await engineerToken(server.url, server.adminPassword!)

      const acknowledged: number[] = []
      let next = 0
      let stop = false
      const sender = async () => {
        while (!stop) {
          const ids = Array.from({ length: 200 }, () => next++)
          const body = ids.map((n) => JSON.stringify({ n, message: `event ${n}`, EventID: 4688 })).join('\n')
          try {
            const response = await fetch(`${server.url}/api/v1/ingest/load`, {
              method: 'POST',
              headers: { authorization: `Bearer ${token}` },
              body,
            })
            if (response.status === 200) acknowledged.push(...ids)
          } catch {
            return // the server is gone
          }
        }
      }
      const senders = [sender(), sender(), sender(), sender()]
      await new Promise((resolve) => setTimeout(resolve, 2_500))
      server.child.kill('SIGKILL')
      await server.exited
      stop = true
      await Promise.all(senders)
      expect(acknowledged.length).toBeGreaterThan(1_000)

      // Restart on the same database: recovery must run, then everything acknowledged is there.
      const restarted = await startServerProcess(storageArgs)
      restarted.child.kill('SIGTERM')
      expect(await restarted.exited).toBe(0)

      const store = await openStore({
        dataDir,
        databaseUrl: engine === 'postgres' ? storageArgs[1] : undefined,
      })
      try {
        const stored = new Set<number>()
        let after = 0
        for (;;) {
          const rows = await store.events.readAfter(after, 10_000)
          if (rows.length === 0) break
          for (const row of rows) stored.add((row.original as { n: number }).n)
          after = rows.at(-1)!.seq
        }
        const missing = acknowledged.filter((n) => !stored.has(n))
        expect(missing).toEqual([])
        console.info(
          `${engine}: ${acknowledged.length} acknowledged, ${stored.size} stored after kill -9 and restart`,
        )
      } finally {
        await store.close()
      }
    }, 180_000)
  })
}
