import { z } from 'zod'
import { briefSlackBlocks } from '../../brief/brief-message.js'
import { type AlertNotice, alertLink, headline, type NotificationMessage } from '../message.js'
import { defineChannel } from './define-channel.js'
import { postJson } from './http-transport.js'

function list(values: readonly string[]): string {
  return values.length === 0
    ? '—'
    : values.slice(0, 5).join(', ') + (values.length > 5 ? ` (+${values.length - 5})` : '')
}

function alertFields(alert: AlertNotice): { type: 'mrkdwn'; text: string }[] {
  return [
    { type: 'mrkdwn', text: `*Severity*\n${alert.severity}` },
    { type: 'mrkdwn', text: `*Rule*\n${alert.ruleTitle}` },
    { type: 'mrkdwn', text: `*Hosts*\n${list(alert.hosts)}` },
    { type: 'mrkdwn', text: `*Users*\n${list(alert.users)}` },
    { type: 'mrkdwn', text: `*Events*\n${alert.eventCount}` },
    { type: 'mrkdwn', text: `*Status*\n${alert.status}` },
  ]
}

/** Block Kit for one alert or a digest (Slack allows at most 50 blocks). */
export function slackBlocks(message: NotificationMessage, publicUrl: string | undefined): unknown[] {
  if (message.brief) return briefSlackBlocks(message.brief, publicUrl)
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: headline(message).slice(0, 150) } },
  ]
  if (message.alert) {
    blocks.push({ type: 'section', fields: alertFields(message.alert) })
    const link = alertLink(publicUrl, message.alert.id)
    if (link)
      blocks.push({
        type: 'actions',
        elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Watchfloor' }, url: link }],
      })
  }
  if (message.digest) {
    const lines = message.digest.alerts.slice(0, 20).map((alert) => {
      const link = alertLink(publicUrl, alert.id)
      const title = link ? `<${link}|${alert.ruleTitle}>` : alert.ruleTitle
      return `• *${alert.severity}* ${title} — ${list(alert.hosts)}`
    })
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') || '—' } })
    const more = message.digest.count - Math.min(20, message.digest.alerts.length)
    if (more > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `and ${more} more` }] })
  }
  return blocks
}

/** A Slack incoming webhook (the URL is the secret). */
export default defineChannel({
  kind: 'slack',
  config: z.object({ webhookUrl: z.url({ protocol: /^https?$/ }) }),
  secrets: ['webhookUrl'],
  async deliver(message, config, ctx) {
    const body = JSON.stringify({ text: headline(message), blocks: slackBlocks(message, ctx.publicUrl) })
    await postJson(config.webhookUrl, body, {}, ctx)
  },
})
