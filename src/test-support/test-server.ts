import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pino from 'pino'
import type { Actor } from '../auth/actor.js'
import type { Role } from '../auth/roles.js'
import { loadConfig } from '../config/load-config.js'
import type { Config } from '../config/settings.js'
import { buildApp } from '../server/app.js'
import type { App } from '../server/context.js'
import { createServices, type Services } from '../server/services.js'
import type { Engine } from '../store/store.js'
import { openTestStore } from './stores.js'

export const TEST_ADMIN_PASSWORD = 'correct horse battery staple'

export interface TestServer {
  app: App
  services: Services
  config: Config
  baseUrl: string
  adminActor: Actor
  /** A fresh user of `role` and a bearer token for them. */
  tokenFor(role: Role): Promise<string>
  request(path: string, init?: RequestInit & { token?: string }): Promise<Response>
  close(): Promise<void>
}

let userCounter = 0

/**
 * The real HTTP server on a free loopback port, over a real database of the given engine. Files
 * it writes (evidence, the secret key) go to a temporary data directory, removed on close,
 * unless the test names one.
 */
export async function startTestServer(engine: Engine, overrides: Partial<Config> = {}): Promise<TestServer> {
  const { store, close: closeStore } = await openTestStore(engine)
  const scratchDir =
    overrides.dataDir === undefined ? mkdtempSync(path.join(tmpdir(), 'wf-server-')) : undefined
  const config = {
    ...loadConfig({ env: {} }),
    port: 0,
    logLevel: 'silent' as const,
    ...(scratchDir ? { dataDir: scratchDir } : {}),
    ...overrides,
  }
  const services = createServices(store, config)
  await services.users.ensureBootstrapAdmin(TEST_ADMIN_PASSWORD)
  const adminRow = await services.users.findByUsername('admin')
  const adminActor: Actor = {
    type: 'user',
    id: adminRow!.id,
    userId: adminRow!.id,
    name: 'admin',
    role: 'admin',
  }
  const app = await buildApp({ config, services }, pino({ level: 'silent' }))
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  const baseUrl = `http://127.0.0.1:${port}`
  const origin = { ip: '127.0.0.1', requestId: 'test' }

  return {
    app,
    services,
    config,
    baseUrl,
    adminActor,
    async tokenFor(role) {
      userCounter += 1
      const user = await services.users.create(
        { username: `${role}-${userCounter}`, password: 'a long enough password', role },
        adminActor,
        origin,
      )
      const actor: Actor = { type: 'user', id: user.id, userId: user.id, name: user.username, role }
      const { token } = await services.tokens.create(
        { name: `${role} test`, role, userId: user.id },
        actor,
        origin,
      )
      return token
    },
    request(path, init = {}) {
      const { token, ...rest } = init
      const headers = new Headers(rest.headers)
      if (token) headers.set('authorization', `Bearer ${token}`)
      if (rest.body !== undefined && !headers.has('content-type'))
        headers.set('content-type', 'application/json')
      return fetch(`${baseUrl}${path}`, { ...rest, headers })
    },
    async close() {
      await app.close()
      await closeStore()
      if (scratchDir) rmSync(scratchDir, { recursive: true, force: true })
    },
  }
}
