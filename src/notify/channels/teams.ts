import { z } from 'zod'
import { briefTeamsBody } from '../../brief/brief-message.js'
import { alertLink, headline, type NotificationMessage } from '../message.js'
import { defineChannel } from './define-channel.js'
import { postJson } from './http-transport.js'

/** An Adaptive Card (1.4) in the envelope Teams incoming webhooks and Workflows accept. */
export function teamsCard(message: NotificationMessage, publicUrl: string | undefined): unknown {
  const brief = message.brief ? briefTeamsBody(message.brief, publicUrl) : undefined
  const body: unknown[] = brief?.body ?? [
    { type: 'TextBlock', size: 'Medium', weight: 'Bolder', wrap: true, text: headline(message) },
  ]
  const actions: unknown[] = brief?.actions ?? []
  if (message.alert) {
    const alert = message.alert
    body.push({
      type: 'FactSet',
      facts: [
        { title: 'Severity', value: alert.severity },
        { title: 'Rule', value: alert.ruleTitle },
        { title: 'Hosts', value: alert.hosts.join(', ') || '—' },
        { title: 'Users', value: alert.users.join(', ') || '—' },
        { title: 'Events', value: String(alert.eventCount) },
        { title: 'Status', value: alert.status },
      ],
    })
    const link = alertLink(publicUrl, alert.id)
    if (link) actions.push({ type: 'Action.OpenUrl', title: 'Open in Watchfloor', url: link })
  }
  if (message.digest) {
    for (const alert of message.digest.alerts.slice(0, 20))
      body.push({
        type: 'TextBlock',
        wrap: true,
        text: `**${alert.severity}** ${alert.ruleTitle} — ${alert.hosts.join(', ')}`,
      })
  }
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          actions,
        },
      },
    ],
  }
}

/** A Microsoft Teams incoming webhook (the URL is the secret). */
export default defineChannel({
  kind: 'teams',
  config: z.object({ webhookUrl: z.url({ protocol: /^https?$/ }) }),
  secrets: ['webhookUrl'],
  async deliver(message, config, ctx) {
    await postJson(config.webhookUrl, JSON.stringify(teamsCard(message, ctx.publicUrl)), {}, ctx)
  },
})
