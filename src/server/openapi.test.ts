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

  it('documents the response times with one wording for incidents, their RCA and the metrics', async () => {
    const token = await server.tokenFor('viewer')
    const document: unknown = await (await server.request('/api/v1/openapi.json', { token })).json()
    const ok = (path: string, method: string) =>
      at(document, 'paths', path, method, 'responses', '200', 'content', 'application/json', 'schema')
    const incident = at(ok('/api/v1/incidents/{id}', 'get'), 'properties', 'durations', 'properties')
    const rca = at(ok('/api/v1/incidents/{id}/rca', 'get'), 'properties', 'detection', 'properties')
    const metrics = at(
      ok('/api/v1/metrics/response', 'get'),
      'properties',
      'incidents',
      'items',
      'properties',
    )
    for (const measure of ['ttdMs', 'ttaMs', 'ttcMs', 'ttrMs']) {
      const wording = at(incident, measure, 'description')
      expect(wording, measure).toEqual(expect.stringContaining('the first alert raised'))
      expect(at(rca, measure, 'description'), measure).toBe(wording)
      expect(at(metrics, measure, 'description'), measure).toBe(wording)
    }
  })
})

/** Walks a parsed JSON document by keys; undefined where a key is missing. */
function at(value: unknown, ...keys: string[]): unknown {
  let current = value
  for (const key of keys) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}
