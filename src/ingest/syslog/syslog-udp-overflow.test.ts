import { createSocket } from 'node:dgram'
import { readFileSync } from 'node:fs'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SYSTEM_ACTOR } from '../../auth/actor.js'
import { createServices, type Services } from '../../server/services.js'
import { ENGINES, openTestStore, type TestStore } from '../../test-support/stores.js'
import { type SyslogListeners, startSyslog } from './syslog-server.js'

const DATAGRAMS = 20_000

/** Datagrams the kernel dropped on our socket (receive buffer full): the last column of /proc/net/udp. */
function kernelDrops(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0')
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const columns = line.trim().split(/\s+/)
    if (columns[1]?.endsWith(`:${hexPort}`)) return Number(columns.at(-1))
  }
  return 0
}

async function metricValue(services: Services, name: string): Promise<number> {
  const metric = await services.metrics.registry.getSingleMetric(name)?.get()
  return metric?.values.reduce((sum, value) => sum + value.value, 0) ?? 0
}

for (const engine of ENGINES) {
  describe(`${engine}: syslog UDP when the queue is full`, () => {
    let ctx: TestStore
    let services: Services
    let listeners: SyslogListeners

    beforeAll(async () => {
      ctx = await openTestStore(engine)
      // A queue that holds one batch: while it commits, the next UDP batches find it full.
      services = createServices(ctx.store, { sessionTtlHours: 1, ingestQueueMaxEvents: 100 })
      await services.sources.create('udp', { parser: 'syslog' }, SYSTEM_ACTOR, {
        ip: null,
        requestId: 'test',
      })
      listeners = await startSyslog(
        { host: '127.0.0.1', udpPort: 0, source: 'udp' },
        {
          ingest: services.ingest,
          sources: services.sources,
          metrics: services.metrics,
          logger: pino({ level: 'silent' }),
        },
      )
    })
    afterAll(async () => {
      await ctx?.close()
    })

    it('drops what does not fit, counts every drop, and keeps memory bounded', async () => {
      const port = listeners.udpPort!
      const socket = createSocket('udp4')
      const rssBefore = process.memoryUsage().rss
      for (let index = 0; index < DATAGRAMS; index++) {
        const message = `<134>1 2026-12-01T10:00:00Z fw01 filter - - - blocked flow ${index} src=10.0.0.${index % 250}`
        await new Promise<void>((resolve, reject) =>
          socket.send(message, port, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
        )
      }
      socket.close()

      // Wait until every datagram is accounted for (or nothing changes any more), then stop.
      let stored = 0
      let counted = 0
      let byKernel = 0
      let unchangedSince = Date.now()
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        const now = [
          await ctx.store.events.count(),
          await metricValue(services, 'watchfloor_ingest_udp_drops_total'),
          kernelDrops(port),
        ] as const
        if (now[0] !== stored || now[1] !== counted || now[2] !== byKernel) unchangedSince = Date.now()
        ;[stored, counted, byKernel] = now
        if (stored + counted + byKernel >= DATAGRAMS || Date.now() - unchangedSince > 3_000) break
      }
      await listeners.close()
      console.log(
        `${engine}: ${DATAGRAMS} sent, ${stored} stored, ${counted} dropped and counted, ${byKernel} dropped by the kernel`,
      )
      // Every datagram is accounted for: stored, or dropped by us and counted, or dropped by the
      // kernel before we could read it (its own counter, also exported by the OS).
      expect(counted).toBeGreaterThan(0)
      expect(stored).toBeGreaterThan(0)
      expect(stored + counted + byKernel).toBe(DATAGRAMS)
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 * 1024)
    })
  })
}
