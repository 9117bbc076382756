import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NewDetection } from '../store/schema.js'
import { ENGINES } from '../test-support/stores.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'
import { AlertBuilder } from './alert-builder.js'
import { AlertStream } from './alert-stream.js'

interface StreamEvent {
  id: string | undefined
  event: string | undefined
  data: Record<string, unknown> | undefined
  comment: boolean
}

/** A real HTTP client on the stream: reads frames as they arrive over the socket. */
class StreamClient {
  readonly frames: StreamEvent[] = []
  #buffer = ''
  #waiters: (() => void)[] = []
  readonly #abort = new AbortController()
  status = 0
  contentType = ''

  static async open(
    server: TestServer,
    token: string | undefined,
    lastEventId?: string,
  ): Promise<StreamClient> {
    const client = new StreamClient()
    const headers: Record<string, string> = {}
    if (token) headers.authorization = `Bearer ${token}`
    if (lastEventId) headers['last-event-id'] = lastEventId
    const response = await fetch(`${server.baseUrl}/api/v1/alerts/stream`, {
      headers,
      signal: client.#abort.signal,
    })
    client.status = response.status
    client.contentType = response.headers.get('content-type') ?? ''
    if (response.status === 200 && response.body) void client.#read(response.body)
    return client
  }

  async #read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder()
    try {
      const reader = body.getReader()
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        this.#buffer += decoder.decode(read.value, { stream: true })
        let end = this.#buffer.indexOf('\n\n')
        while (end >= 0) {
          this.#frame(this.#buffer.slice(0, end))
          this.#buffer = this.#buffer.slice(end + 2)
          end = this.#buffer.indexOf('\n\n')
        }
        for (const wake of this.#waiters.splice(0)) wake()
      }
    } catch {
      // aborted by close()
    }
  }

  #frame(text: string): void {
    const frame: StreamEvent = { id: undefined, event: undefined, data: undefined, comment: false }
    for (const line of text.split('\n')) {
      if (line.startsWith(':')) frame.comment = true
      else if (line.startsWith('id: ')) frame.id = line.slice(4)
      else if (line.startsWith('event: ')) frame.event = line.slice(7)
      else if (line.startsWith('data: ')) frame.data = JSON.parse(line.slice(6)) as Record<string, unknown>
    }
    this.frames.push(frame)
  }

  get events(): StreamEvent[] {
    return this.frames.filter((frame) => frame.event !== undefined)
  }

  /** Waits until `predicate` holds over the frames received (fails after a few seconds). */
  async until(predicate: (client: StreamClient) => boolean): Promise<void> {
    const deadline = Date.now() + 5_000
    while (!predicate(this)) {
      if (Date.now() > deadline)
        throw new Error(`stream: condition not met; got ${JSON.stringify(this.frames)}`)
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve)
        setTimeout(resolve, 100)
      })
    }
  }

  close(): void {
    this.#abort.abort()
  }
}

let counter = 0
function detection(host: string): NewDetection {
  counter += 1
  return {
    created_at: new Date(),
    detected_at: new Date(),
    kind: 'sigma',
    rule_id: 'rule-stream',
    rule_title: 'Stream test rule',
    level: 'high',
    tags: JSON.stringify([]),
    source: 'sysmon',
    event_seqs: JSON.stringify([counter]),
    matched: JSON.stringify({ Image: 'a.exe' }),
    dedup_key: `stream-test:${counter}`,
    context: JSON.stringify({ host }),
  }
}

for (const engine of ENGINES) {
  describe(`${engine}: live alert stream`, () => {
    let server: TestServer
    let viewer: string
    let analyst: string
    let builder: AlertBuilder
    const clients: StreamClient[] = []

    async function open(token: string | undefined, lastEventId?: string): Promise<StreamClient> {
      const client = await StreamClient.open(server, token, lastEventId)
      clients.push(client)
      return client
    }

    async function detect(host: string): Promise<void> {
      await server.services.store.db.insertInto('detections').values(detection(host)).execute()
      await builder.catchUp()
    }

    beforeAll(async () => {
      server = await startTestServer(engine)
      viewer = await server.tokenFor('viewer')
      analyst = await server.tokenFor('analyst')
      builder = new AlertBuilder(
        server.services.store,
        server.services.rules,
        server.services.silences,
        pino({ level: 'silent' }),
        { events: server.services.alertStream },
      )
    })
    afterAll(async () => {
      for (const client of clients) client.close()
      await builder.release()
      await server.close()
    })

    it('refuses a client without credentials', async () => {
      const client = await open(undefined)
      expect(client.status).toBe(401)
    })

    it('sends created, count and triage updates, and an SLA breach, as they are committed', async () => {
      const client = await open(viewer)
      expect(client.status).toBe(200)
      expect(client.contentType).toContain('text/event-stream')

      await detect('ws01')
      await client.until((c) => c.events.length >= 1)
      const created = client.events[0]!
      expect(created.event).toBe('alert.created')
      expect(created.data).toMatchObject({
        ruleId: 'rule-stream',
        severity: 'high',
        status: 'new',
        hosts: ['ws01'],
      })
      const alertId = created.data!.alertId as number

      await detect('ws01')
      await client.until((c) => c.events.length >= 2)
      expect(client.events[1]).toMatchObject({
        event: 'alert.updated',
        data: { alertId, changes: ['count'], countAdded: 1 },
      })

      const assigned = await server.request(`/api/v1/alerts/${alertId}/assign`, {
        method: 'POST',
        token: analyst,
        body: JSON.stringify({ assignee: 'bob' }),
      })
      expect(assigned.status).toBe(200)
      const acked = await server.request(`/api/v1/alerts/${alertId}/acknowledge`, {
        method: 'POST',
        token: analyst,
        body: JSON.stringify({}),
      })
      expect(acked.status).toBe(200)
      await client.until((c) => c.events.length >= 4)
      expect(client.events.slice(2).map((event) => event.data)).toEqual([
        expect.objectContaining({ alertId, changes: ['assignee'], assignee: 'bob', count: 2 }),
        expect.objectContaining({ alertId, changes: ['status'], status: 'acknowledged' }),
      ])

      // A second alert whose close target has passed: the SLA task announces the breach.
      await detect('ws02')
      await client.until((c) => c.events.length >= 5)
      const late = client.events[4]!.data!.alertId as number
      await server.services.store.db
        .updateTable('alerts')
        .set({ created_at: new Date(Date.now() - 40 * 86_400_000) })
        .where('id', '=', late)
        .execute()
      await server.services.alertSla.runOnce()
      await client.until((c) => c.events.some((event) => event.event === 'alert.sla_breach'))
      const breaches = client.events.filter((event) => event.event === 'alert.sla_breach')
      expect(breaches.map((event) => event.data)).toEqual([
        expect.objectContaining({ alertId: late, kind: 'ack' }),
        expect.objectContaining({ alertId: late, kind: 'close' }),
      ])
      const ids = client.events.map((event) => event.id)
      expect(new Set(ids).size).toBe(ids.length)
    })

    it('resumes after Last-Event-ID with what the client missed, and asks to resync when it cannot', async () => {
      const first = await open(viewer)
      await detect('ws03')
      await first.until((c) => c.events.length >= 1)
      const lastSeen = first.events[0]!.id!
      first.close()
      await detect('ws03')
      await detect('ws04')

      const resumed = await open(viewer, lastSeen)
      await resumed.until((c) => c.events.length >= 2)
      expect(resumed.events.map((event) => event.event)).toEqual(['alert.updated', 'alert.created'])
      expect(resumed.events[1]!.data).toMatchObject({ hosts: ['ws04'] })

      const unknown = await open(viewer, 'zzzz-1')
      await unknown.until((c) => c.frames.some((frame) => frame.event === 'resync'))
    })

    it('keeps an idle stream alive with heartbeat comments', async () => {
      const original = server.services.alertStream
      const quick = new AlertStream(10, 50)
      // The route reads the stream from the services each time a client connects.
      Object.assign(server.services, { alertStream: quick })
      try {
        const client = await open(viewer)
        await client.until((c) => c.frames.filter((frame) => frame.comment).length >= 2)
      } finally {
        Object.assign(server.services, { alertStream: original })
      }
    })
  })
}
