import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SYSTEM_ACTOR } from '../../auth/actor.js'
import { createServices, type Services } from '../../server/services.js'
import { ENGINES, openTestStore, type TestStore } from '../../test-support/stores.js'
import { type SyslogListeners, startSyslog } from './syslog-server.js'

const run = promisify(execFile)

async function waitForEvents(services: Services, count: number, timeoutMs = 15_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const rows = await services.store.events.readAfter(0, 1_000)
    if (rows.length >= count || Date.now() > deadline)
      return rows.map((row) =>
        String((row.original as { message?: unknown }).message ?? JSON.stringify(row.original)),
      )
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

for (const engine of ENGINES) {
  describe(`${engine}: syslog from real clients`, () => {
    let ctx: TestStore
    let services: Services
    let listeners: SyslogListeners

    beforeAll(async () => {
      ctx = await openTestStore(engine)
      services = createServices(ctx.store, { sessionTtlHours: 1 })
      await services.sources.create('syslog', { parser: 'syslog' }, SYSTEM_ACTOR, {
        ip: null,
        requestId: 'test',
      })
      listeners = await startSyslog(
        { host: '127.0.0.1', udpPort: 0, tcpPort: 0, source: 'syslog' },
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

    it('receives logger(1) over UDP and TCP, RFC 3164 and 5424, newline and octet-counted framing', async () => {
      const port = (p: number | undefined) => String(p)
      await run('logger', [
        '-n',
        '127.0.0.1',
        '-P',
        port(listeners.udpPort),
        '-d',
        '--rfc3164',
        '-t',
        'sshd',
        'udp-3164 Failed password for root from 203.0.113.9 port 4022 ssh2',
      ])
      await run('logger', [
        '-n',
        '127.0.0.1',
        '-P',
        port(listeners.tcpPort),
        '-T',
        '--rfc5424',
        '-t',
        'app',
        'tcp-5424 hello',
      ])
      await run('logger', [
        '-n',
        '127.0.0.1',
        '-P',
        port(listeners.tcpPort),
        '-T',
        '--octet-count',
        '--rfc5424',
        '-t',
        'app',
        'tcp-octet multi word message',
      ])
      const messages = await waitForEvents(services, 3)
      expect(messages).toHaveLength(3)
      expect(messages.join('\n')).toContain('udp-3164 Failed password for root')
      expect(messages.join('\n')).toContain('tcp-5424 hello')
      expect(messages.join('\n')).toContain('tcp-octet multi word message')
    })

    it('receives rsyslog forwarding a file over TCP with octet-counted framing', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'wf-rsyslog-'))
      const input = path.join(dir, 'app.log')
      writeFileSync(input, `${Array.from({ length: 50 }, (_, i) => `rsyslog line ${i}`).join('\n')}\n`)
      const conf = path.join(dir, 'rsyslog.conf')
      writeFileSync(
        conf,
        [
          `global(workDirectory="${dir}")`,
          'module(load="imfile")',
          `input(type="imfile" File="${input}" Tag="app:" ruleset="fwd" freshStartTail="off")`,
          'ruleset(name="fwd") {',
          `  action(type="omfwd" target="127.0.0.1" port="${listeners.tcpPort}" protocol="tcp" TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")`,
          '}',
        ].join('\n'),
      )
      const rsyslog = spawn('rsyslogd', ['-n', '-f', conf, '-i', path.join(dir, 'rsyslog.pid')], {
        stdio: 'ignore',
      })
      try {
        const before = (await services.store.events.readAfter(0, 10_000)).length
        const messages = await waitForEvents(services, before + 50)
        expect(messages.filter((m) => m.includes('rsyslog line'))).toHaveLength(50)
      } finally {
        rsyslog.kill('SIGTERM')
      }
    })
  })
}
