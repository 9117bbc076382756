import { z } from 'zod'
import { alertLink, headline, type NotificationMessage } from '../message.js'
import { defineChannel } from './define-channel.js'
import { postJson } from './http-transport.js'

const PD_SEVERITY: Record<string, string> = {
  critical: 'critical',
  high: 'error',
  medium: 'warning',
  low: 'info',
  info: 'info',
}

/** One PagerDuty incident per alert: the dedup key is the alert's, whatever the notification. */
export function pagerDutyDedupKey(message: NotificationMessage): string {
  return message.alert ? `watchfloor-alert-${message.alert.id}` : `watchfloor-${message.idempotencyKey}`
}

/** The alert's status drives the incident: new → trigger, acknowledged/in progress → acknowledge, closed → resolve. */
export function pagerDutyAction(message: NotificationMessage): 'trigger' | 'acknowledge' | 'resolve' {
  if (message.event !== 'alert.status' || !message.alert) return 'trigger'
  if (message.alert.status === 'closed') return 'resolve'
  if (message.alert.status === 'new') return 'trigger'
  return 'acknowledge'
}

export function pagerDutyEvent(
  message: NotificationMessage,
  routingKey: string,
  publicUrl: string | undefined,
) {
  const action = pagerDutyAction(message)
  const base = { routing_key: routingKey, event_action: action, dedup_key: pagerDutyDedupKey(message) }
  if (action !== 'trigger') return base
  const alert = message.alert
  const link = alert ? alertLink(publicUrl, alert.id) : undefined
  return {
    ...base,
    payload: {
      summary: headline(message).slice(0, 1024),
      source: alert?.hosts[0] ?? alert?.source ?? 'watchfloor',
      severity: PD_SEVERITY[alert?.severity ?? 'high'] ?? 'error',
      timestamp: alert?.createdAt ?? message.createdAt,
      component: alert?.ruleId,
      class: alert ? 'security-alert' : 'security-alert-digest',
      custom_details: alert ?? message.digest,
    },
    client: 'Watchfloor',
    ...(link ? { client_url: link, links: [{ href: link, text: 'Open in Watchfloor' }] } : {}),
  }
}

/** PagerDuty Events API v2 (or a compatible endpoint at `baseUrl`). */
export default defineChannel({
  kind: 'pagerduty',
  config: z.object({
    routingKey: z.string().min(8),
    baseUrl: z.url({ protocol: /^https?$/ }).default('https://events.pagerduty.com'),
  }),
  secrets: ['routingKey'],
  async deliver(message, config, ctx) {
    const url = `${config.baseUrl.replace(/\/+$/, '')}/v2/enqueue`
    await postJson(url, JSON.stringify(pagerDutyEvent(message, config.routingKey, ctx.publicUrl)), {}, ctx)
  },
})
