import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../test-support/test-server.js'

describe('OpenAPI document', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer('duckdb')
  })
  afterAll(async () => {
    await server?.close()
  })

  it('describes every API route, generated from the route schemas', async () => {
    const token = await server.tokenFor('viewer')
    const response = await server.request('/api/v1/openapi.json', { token })
    expect(response.status).toBe(200)
    const document = (await response.json()) as {
      openapi: string
      paths: Record<string, Record<string, { requestBody?: unknown }>>
    }
    expect(document.openapi).toBe('3.1.0')
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    )
    const apiRoutes = server.app.routeCatalog.filter(
      (r) => r.url.startsWith('/api/v1/') && r.url !== '/api/v1/openapi.json',
    )
    for (const route of apiRoutes) {
      expect(documented, route.url).toContain(`${route.method} ${route.url.replace(/:(\w+)/g, '{$1}')}`)
    }
    expect(document.paths['/api/v1/users']?.post?.requestBody).toBeDefined()
  })
})
