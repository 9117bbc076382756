import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINES } from '../test-support/stores.js'
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../test-support/test-server.js'

function cookiesFrom(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .join('; ')
}

for (const engine of ENGINES) {
  describe(`${engine}: authentication`, () => {
    let server: TestServer
    beforeAll(async () => {
      server = await startTestServer(engine)
    })
    afterAll(async () => {
      await server?.close()
    })

    it('logs in with a password, sets an HttpOnly SameSite session cookie, and needs the CSRF header to write', async () => {
      const login = await server.request('/api/v1/auth/login', {
        method: 'POST',
        body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
      })
      expect(login.status).toBe(200)
      const setCookies = login.headers.getSetCookie()
      const session = setCookies.find((cookie) => cookie.startsWith('wf_session='))!
      expect(session).toMatch(/HttpOnly/i)
      expect(session).toMatch(/SameSite=Strict/i)
      const { csrfToken } = (await login.json()) as { csrfToken: string }
      const cookie = cookiesFrom(login)

      const me = await server.request('/api/v1/auth/me', { headers: { cookie } })
      expect(await me.json()).toMatchObject({ type: 'user', name: 'admin', role: 'admin' })

      const body = JSON.stringify({ username: 'bob', password: 'another long password', role: 'analyst' })
      const withoutCsrf = await server.request('/api/v1/users', { method: 'POST', headers: { cookie }, body })
      expect(withoutCsrf.status).toBe(403)
      const withCsrf = await server.request('/api/v1/users', {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrfToken },
        body,
      })
      expect(withCsrf.status).toBe(201)

      const logout = await server.request('/api/v1/auth/logout', {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrfToken },
      })
      expect(logout.status).toBe(204)
      const after = await server.request('/api/v1/auth/me', { headers: { cookie } })
      expect(after.status).toBe(401)
    })

    it('refuses a wrong password without saying which half was wrong, and throttles guessing', async () => {
      const wrong = await server.request('/api/v1/auth/login', {
        method: 'POST',
        body: JSON.stringify({ username: 'nobody', password: 'x' }),
      })
      expect(wrong.status).toBe(401)
      expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('invalid_credentials')
      let last = 0
      for (let attempt = 0; attempt < 11; attempt++) {
        const response = await server.request('/api/v1/auth/login', {
          method: 'POST',
          body: JSON.stringify({ username: 'admin', password: 'guess' }),
        })
        last = response.status
      }
      expect(last).toBe(429)
    })

    it('shows a token once, stores only its hash, and stops accepting it when revoked', async () => {
      const analyst = await server.tokenFor('analyst')
      const created = await server.request('/api/v1/tokens', {
        method: 'POST',
        token: analyst,
        body: JSON.stringify({ name: 'ci', role: 'viewer', expiresInDays: 30 }),
      })
      expect(created.status).toBe(201)
      const { token, info } = (await created.json()) as {
        token: string
        info: { id: number; prefix: string }
      }
      expect(token.startsWith(info.prefix)).toBe(true)
      const stored = await server.services.store.db
        .selectFrom('api_tokens')
        .selectAll()
        .where('id', '=', info.id)
        .executeTakeFirstOrThrow()
      expect(JSON.stringify(stored)).not.toContain(token.slice(info.prefix.length + 1))

      expect((await server.request('/api/v1/auth/me', { token })).status).toBe(200)
      const listed = (await (await server.request('/api/v1/tokens', { token })).json()) as {
        items: unknown[]
      }
      expect(JSON.stringify(listed)).not.toContain(token)

      const escalate = await server.request('/api/v1/tokens', {
        method: 'POST',
        token: analyst,
        body: JSON.stringify({ name: 'x', role: 'admin' }),
      })
      expect(escalate.status).toBe(403)

      const revoked = await server.request(`/api/v1/tokens/${info.id}`, { method: 'DELETE', token: analyst })
      expect(revoked.status).toBe(200)
      expect((await server.request('/api/v1/auth/me', { token })).status).toBe(401)
    })

    it('stops an expired token and every token of a disabled user', async () => {
      const adminActor = server.adminActor
      const origin = { ip: null, requestId: 'test' }
      const { token } = await server.services.tokens.create(
        {
          name: 'short',
          role: 'viewer',
          userId: adminActor.userId!,
          expiresAt: new Date(Date.now() + 1_500),
        },
        adminActor,
        origin,
      )
      expect((await server.request('/api/v1/auth/me', { token })).status).toBe(200)
      await new Promise((resolve) => setTimeout(resolve, 1_600))
      expect((await server.request('/api/v1/auth/me', { token })).status).toBe(401)

      const other = await server.tokenFor('engineer')
      const otherMe = (await (await server.request('/api/v1/auth/me', { token: other })).json()) as {
        user: { username: string }
      }
      const admin = await server.tokenFor('admin')
      const disable = await server.request(`/api/v1/users/${otherMe.user.username}/disable`, {
        method: 'POST',
        token: admin,
        body: '{}',
      })
      expect(disable.status).toBe(200)
      expect((await server.request('/api/v1/auth/me', { token: other })).status).toBe(401)
    })

    it('validates bodies and names the bad field', async () => {
      const admin = await server.tokenFor('admin')
      const response = await server.request('/api/v1/users', {
        method: 'POST',
        token: admin,
        body: JSON.stringify({ username: 'x', role: 'wizard' }),
      })
      expect(response.status).toBe(400)
      const { error } = (await response.json()) as { error: { code: string; details: { path: string }[] } }
      expect(error.code).toBe('invalid_request')
      expect(error.details.map((d) => d.path)).toEqual(expect.arrayContaining(['body.password', 'body.role']))
    })

    it('refuses a body over the size limit with 413 and a code', async () => {
      const big = JSON.stringify({ username: 'a'.repeat(server.config.bodyLimitBytes), password: 'x' })
      const response = await server.request('/api/v1/auth/login', { method: 'POST', body: big })
      expect(response.status).toBe(413)
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('payload_too_large')
    })
  })
}
