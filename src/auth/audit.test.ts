import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINES } from '../test-support/stores.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'
import { verifyAuditChain } from './audit.js'

for (const engine of ENGINES) {
  describe(`${engine}: audit log`, () => {
    let server: TestServer
    beforeAll(async () => {
      server = await startTestServer(engine)
    })
    afterAll(async () => {
      await server?.close()
    })

    it('records every state-changing call with who, what, from where, in a valid chain', async () => {
      const admin = await server.tokenFor('admin')
      const created = await server.request('/api/v1/users', {
        method: 'POST',
        token: admin,
        body: JSON.stringify({ username: 'carol', password: 'a long enough password', role: 'viewer' }),
      })
      expect(created.status).toBe(201)
      const { id } = (await created.json()) as { id: number }
      const page = (await (await server.request('/api/v1/audit?limit=5', { token: admin })).json()) as {
        items: { action: string; targetId: string; actorName: string; ip: string; requestId: string }[]
      }
      const entry = page.items[0]!
      expect(entry).toMatchObject({ action: 'user.create', targetId: String(id), ip: '127.0.0.1' })
      expect(entry.actorName).toMatch(/^token:/)
      expect(entry.requestId).toMatch(/[0-9a-f-]{36}/)
      expect(await verifyAuditChain(server.services.store)).toMatchObject({ ok: true })
    })

    it('does not record a change that failed (same transaction)', async () => {
      const before = await server.services.store.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      const admin = await server.tokenFor('admin')
      const afterToken = await server.services.store.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      const duplicate = await server.request('/api/v1/users', {
        method: 'POST',
        token: admin,
        body: JSON.stringify({ username: 'admin', password: 'a long enough password', role: 'viewer' }),
      })
      expect(duplicate.status).toBe(409)
      const after = await server.services.store.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      expect(Number(afterToken.n)).toBe(Number(before.n) + 2) // the helper's user.create and token.create
      expect(Number(after.n)).toBe(Number(afterToken.n))
    })

    it('names the first edited entry and the first missing entry', async () => {
      const { store } = server.services
      const rows = await store.db.selectFrom('audit_log').select('seq').orderBy('seq').execute()
      expect(rows.length).toBeGreaterThan(3)
      const target = rows[2]!.seq
      await sql`UPDATE audit_log SET actor_name = 'mallory' WHERE seq = ${target}`.execute(store.db)
      expect(await verifyAuditChain(store)).toMatchObject({
        ok: false,
        firstBroken: { seq: target, reason: expect.stringContaining('edited') },
      })

      await sql`DELETE FROM audit_log WHERE seq = ${target}`.execute(store.db)
      const result = await verifyAuditChain(store)
      expect(result).toMatchObject({
        ok: false,
        firstBroken: { seq: target, reason: expect.stringContaining('missing') },
      })
    })
  })
}
