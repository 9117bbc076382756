import nodemailer from 'nodemailer'
import { z } from 'zod'
import { briefEmailText } from '../../brief/brief-message.js'
import { alertLink, headline, type NotificationMessage } from '../message.js'
import { defineChannel } from './define-channel.js'
import { DeliveryError } from './delivery-error.js'

export function emailText(message: NotificationMessage, publicUrl: string | undefined): string {
  if (message.brief) return briefEmailText(message.brief, publicUrl)
  const lines = [headline(message), '']
  const alerts = message.alert ? [message.alert] : (message.digest?.alerts ?? [])
  for (const alert of alerts) {
    lines.push(
      `Rule:     ${alert.ruleTitle} (${alert.ruleId})`,
      `Severity: ${alert.severity}`,
      `Status:   ${alert.status}`,
      `Hosts:    ${alert.hosts.join(', ') || '—'}`,
      `Users:    ${alert.users.join(', ') || '—'}`,
      `Events:   ${alert.eventCount}`,
    )
    const link = alertLink(publicUrl, alert.id)
    if (link) lines.push(`Open:     ${link}`)
    lines.push('')
  }
  if (message.digest && message.digest.count > alerts.length)
    lines.push(`… and ${message.digest.count - alerts.length} more.`)
  return lines.join('\n')
}

/** Mail over SMTP, upgraded with STARTTLS (required: a server that does not offer it is refused). */
export default defineChannel({
  kind: 'email',
  config: z.object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535).default(587),
    username: z.string().optional(),
    password: z.string().optional(),
    from: z.string().min(3),
    to: z.array(z.string().min(3)).min(1),
    /** PEM certificate(s) to trust besides the system's, for a private mail relay. */
    caPem: z.string().optional(),
  }),
  secrets: ['password'],
  async deliver(message, config, ctx) {
    const transport = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: false,
      requireTLS: true,
      ...(config.username ? { auth: { user: config.username, pass: config.password ?? '' } } : {}),
      tls: { ...(config.caPem ? { ca: config.caPem } : {}), minVersion: 'TLSv1.2' },
      connectionTimeout: ctx.timeoutMs,
      greetingTimeout: ctx.timeoutMs,
      socketTimeout: ctx.timeoutMs,
    })
    try {
      await transport.sendMail({
        from: config.from,
        to: config.to,
        subject: `Watchfloor: ${headline(message)}`,
        text: emailText(message, ctx.publicUrl),
        messageId: `<${ctx.idempotencyKey.replace(/[^\w.-]/g, '.')}@watchfloor>`,
        headers: { 'Idempotency-Key': ctx.idempotencyKey },
      })
    } catch (error) {
      const smtp = error as { responseCode?: number; code?: string; message?: string }
      const permanent = smtp.responseCode !== undefined && smtp.responseCode >= 500
      throw new DeliveryError(
        `SMTP delivery failed: ${smtp.responseCode ?? smtp.code ?? ''} ${smtp.message ?? ''}`.trim(),
        permanent,
        { cause: error },
      )
    } finally {
      transport.close()
    }
  },
})
