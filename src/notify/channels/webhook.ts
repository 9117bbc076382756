import { createHmac } from 'node:crypto'
import { z } from 'zod'
import { alertLink } from '../message.js'
import { defineChannel } from './define-channel.js'
import { postJson } from './http-transport.js'

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as Stripe signs its webhooks. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/** A JSON POST to any URL, signed so the receiver can check it came from this server, and when. */
export default defineChannel({
  kind: 'webhook',
  config: z.object({
    url: z.url({ protocol: /^https?$/ }),
    secret: z.string().min(16, 'use a signing secret of at least 16 characters'),
  }),
  secrets: ['url', 'secret'],
  async deliver(message, config, ctx) {
    const body = JSON.stringify({
      id: message.idempotencyKey,
      event: message.event,
      createdAt: message.createdAt,
      ...(message.alert ? { alert: message.alert, link: alertLink(ctx.publicUrl, message.alert.id) } : {}),
      ...(message.previousStatus ? { previousStatus: message.previousStatus } : {}),
      ...(message.digest ? { digest: message.digest } : {}),
      ...(message.sla ? { sla: message.sla } : {}),
      ...(message.brief ? { brief: message.brief } : {}),
    })
    const timestamp = Math.floor(Date.now() / 1000)
    await postJson(
      config.url,
      body,
      {
        'x-watchfloor-timestamp': String(timestamp),
        'x-watchfloor-signature': webhookSignature(config.secret, timestamp, body),
      },
      ctx,
    )
  },
})
