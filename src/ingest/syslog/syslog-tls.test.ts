import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { connect } from 'node:tls'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SYSTEM_ACTOR } from '../../auth/actor.js'
import { createServices, type Services } from '../../server/services.js'
import { openTestStore, type TestStore } from '../../test-support/stores.js'
import { type SyslogListeners, startSyslog } from './syslog-server.js'

/** A self-signed certificate for localhost, made with openssl for this test run. */
function selfSignedCertificate(): { cert: string; key: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'wf-tls-'))
  const cert = path.join(dir, 'cert.pem')
  const key = path.join(dir, 'key.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-subj',
      '/CN=localhost',
      '-days',
      '1',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  )
  return { cert, key }
}

describe('syslog over TLS (RFC 5425)', () => {
  let ctx: TestStore
  let services: Services
  let listeners: SyslogListeners
  let cert: string
  beforeAll(async () => {
    ctx = await openTestStore('duckdb')
    services = createServices(ctx.store, { sessionTtlHours: 1 })
    await services.sources.create('syslog', { parser: 'syslog' }, SYSTEM_ACTOR, {
      ip: null,
      requestId: 'test',
    })
    const files = selfSignedCertificate()
    cert = readFileSync(files.cert, 'utf8')
    listeners = await startSyslog(
      { host: '127.0.0.1', tlsPort: 0, tlsCertFile: files.cert, tlsKeyFile: files.key, source: 'syslog' },
      {
        ingest: services.ingest,
        sources: services.sources,
        metrics: services.metrics,
        logger: pino({ level: 'silent' }),
      },
    )
  })
  afterAll(async () => {
    await listeners?.close()
    await ctx?.close()
  })

  it('accepts octet-counted messages from a client that verifies the certificate', async () => {
    const messages = [
      '<86>1 2026-11-22T10:00:00Z bastion1 sshd 77 - - Accepted publickey for deploy from 198.51.100.4 port 50000 ssh2',
      '<13>1 2026-11-22T10:00:01Z bastion1 app - - - tls second',
    ]
    await new Promise<void>((resolve, reject) => {
      const socket = connect(
        { host: '127.0.0.1', port: listeners.tlsPort!, ca: cert, servername: 'localhost' },
        () => {
          socket.end(messages.map((message) => `${Buffer.byteLength(message)} ${message}`).join(''))
        },
      )
      socket.on('close', () => resolve())
      socket.on('error', reject)
    })
    const deadline = Date.now() + 10_000
    let rows = await services.store.events.readAfter(0, 10)
    while (rows.length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      rows = await services.store.events.readAfter(0, 10)
    }
    expect(rows.map((row) => row.host_name)).toEqual(['bastion1', 'bastion1'])
    expect(rows[0]!.user_name).toBe('deploy')
  })

  it('refuses a client that does not trust the certificate, storing nothing from it', async () => {
    const before = await services.store.events.count()
    const error = await new Promise<Error>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: listeners.tlsPort!, servername: 'localhost' }, () =>
        resolve(new Error('connected')),
      )
      socket.on('error', resolve)
    })
    expect(error.message).toMatch(/self.signed|certificate/i)
    expect(await services.store.events.count()).toBe(before)
  })
})
