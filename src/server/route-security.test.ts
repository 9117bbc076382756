import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROLES, roleAllows } from '../auth/roles.js'
import { ENGINES } from '../test-support/stores.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'
import { minimumRole } from './auth-hooks.js'

/** The routes that must answer without authentication, and nothing else. */
const PUBLIC_ROUTES = new Set(['GET /healthz', 'GET /readyz', 'POST /api/v1/auth/login'])

function concretePath(url: string): string {
  return url.replace(/:([a-zA-Z]+)/g, (_, name: string) => (name === 'id' ? '1' : 'someone'))
}

for (const engine of ENGINES) {
  describe(`${engine}: every route declares and enforces its role`, () => {
    let server: TestServer
    beforeAll(async () => {
      server = await startTestServer(engine)
    })
    afterAll(async () => {
      await server?.close()
    })

    it('has no public route beyond the known few', () => {
      const publicRoutes = server.app.routeCatalog
        .filter((route) => route.access === 'public')
        .map((r) => `${r.method} ${r.url}`)
      const unexpected = publicRoutes.filter((route) => !PUBLIC_ROUTES.has(route) && route.includes('/api/'))
      expect(unexpected).toEqual([])
      expect(server.app.routeCatalog.length).toBeGreaterThan(10)
    })

    it('answers 401 with a JSON error code to every unauthenticated API call', async () => {
      const protectedRoutes = server.app.routeCatalog.filter((route) => route.access !== 'public')
      for (const route of protectedRoutes) {
        const response = await server.request(concretePath(route.url), {
          method: route.method,
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: '{}' }),
        })
        expect(response.status, `${route.method} ${route.url}`).toBe(401)
        const body = (await response.json()) as { error: { code: string } }
        expect(body.error.code, `${route.method} ${route.url}`).toBe('unauthenticated')
      }
    })

    it('answers 403 to a token whose role is below what the route needs', async () => {
      const tokens = new Map<string, string>()
      for (const role of ROLES) tokens.set(role, await server.tokenFor(role))
      let checked = 0
      for (const route of server.app.routeCatalog) {
        if (route.access === 'public') continue
        for (const role of ROLES) {
          if (roleAllows(role, minimumRole(route.access))) continue
          const response = await server.request(concretePath(route.url), {
            method: route.method,
            token: tokens.get(role)!,
            ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: '{}' }),
          })
          expect(response.status, `${role} → ${route.method} ${route.url}`).toBe(403)
          checked += 1
        }
      }
      expect(checked).toBeGreaterThan(0)
    })

    it('rejects a malformed or unknown bearer token', async () => {
      for (const value of [
        'Bearer nope',
        'Bearer wf_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        'Basic YWRtaW46eA==',
      ]) {
        const response = await server.request('/api/v1/auth/me', { headers: { authorization: value } })
        expect(response.status).toBe(401)
      }
    })
  })
}
