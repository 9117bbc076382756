import type { ServerResponse } from 'node:http'
import { z } from 'zod'
import type { App, AppContext } from '../server/context.js'
import type { AlertStreamEvent } from './alert-stream.js'

/** A client this far behind is cut off; it reconnects with Last-Event-ID and resumes. */
const MAX_BUFFERED_BYTES = 1024 * 1024

function frame(event: AlertStreamEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`
}

export async function alertStreamRoutes(app: App, { services }: AppContext): Promise<void> {
  const open = new Set<ServerResponse>()
  // Streams never go idle: end them when the server closes, or close would wait for them.
  app.addHook('preClose', async () => {
    for (const response of open) response.end()
  })

  app.get(
    '/api/v1/alerts/stream',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['alerts'],
        summary:
          'Live alert changes as server-sent events (alert.created, alert.updated, alert.sla_breach); resumes after Last-Event-ID. Per node.',
        querystring: z.object({ lastEventId: z.string().max(64).optional() }),
      },
    },
    async (request, reply) => {
      const header = request.headers['last-event-id']
      const lastEventId = (typeof header === 'string' ? header : undefined) ?? request.query.lastEventId
      const stream = services.alertStream
      reply.hijack()
      const response = reply.raw
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': String(request.id),
      })
      response.write('retry: 3000\n\n')
      const send = (event: AlertStreamEvent) => {
        if (response.writableLength > MAX_BUFFERED_BYTES) {
          response.end()
          return
        }
        response.write(frame(event))
      }
      // Replay and subscribe in the same turn: nothing published in between can be missed.
      if (lastEventId) {
        const missed = stream.since(lastEventId)
        if (missed) for (const event of missed) send(event)
        else response.write('event: resync\ndata: {}\n\n')
      }
      const unsubscribe = stream.subscribe(send)
      const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), stream.heartbeatMs)
      open.add(response)
      response.on('close', () => {
        clearInterval(heartbeat)
        unsubscribe()
        open.delete(response)
      })
    },
  )
}
