import { formatBrief } from './brief.format.js'
import type { Brief } from './brief.service.js'

/** What a brief notification carries: the brief as built when it was enqueued, and its name. */
export interface BriefNotice {
  /** The schedule's name, or who sent it by hand and why (`Shift change by alice`). */
  title: string
  brief: Brief
}

const LISTED = 10

function consoleLink(publicUrl: string | undefined, path: string): string | undefined {
  return publicUrl ? `${publicUrl.replace(/\/+$/, '')}${path}` : undefined
}

function when(iso: string): string {
  return `${iso.replace('T', ' ').slice(0, 16)} UTC`
}

export function briefHeadline(notice: BriefNotice): string {
  const { alerts, incidents, followUps } = notice.brief
  const overdue = followUps.due.filter((task) => task.overdue).length
  return `${notice.title}: ${alerts.newCount} new alerts, ${incidents.opened.length} incidents opened, ${incidents.open} open${overdue ? `, ${overdue} follow-ups overdue` : ''}`
}

/** Chat-sized sections, each a title and lines; links in Markdown `[text](url)` form. */
function sections(notice: BriefNotice, publicUrl: string | undefined): { title: string; lines: string[] }[] {
  const brief = notice.brief
  const link = (text: string, path: string) => {
    const url = consoleLink(publicUrl, path)
    return url ? `[${text}](${url})` : text
  }
  const more = (total: number) => (total > LISTED ? [`…and ${total - LISTED} more`] : [])
  const severities = Object.entries(brief.alerts.bySeverity)
    .filter(([, counts]) => counts.new + counts.open > 0)
    .map(([severity, counts]) => `${severity}: ${counts.new} new, ${counts.open} open`)
  const result = [
    {
      title: `Alerts: ${brief.alerts.newCount} new, ${brief.alerts.stillOpen} still open`,
      lines: [
        ...severities,
        ...brief.alerts.topRules
          .slice(0, 5)
          .map((rule) => `${rule.alerts}× [${rule.severity}] ${rule.title}`),
        ...brief.alerts.unassignedCritical
          .slice(0, LISTED)
          .map(
            (alert) =>
              `Unassigned ${link(`#${alert.id}`, `/alerts/${alert.id}`)} [${alert.severity}] ${alert.title}${alert.host ? ` on ${alert.host}` : ''}`,
          ),
        ...more(brief.alerts.unassignedCritical.length),
      ],
    },
    {
      title: `Incidents: ${brief.incidents.opened.length} opened, ${brief.incidents.changed.length} changed, ${brief.incidents.closed.length} closed, ${brief.incidents.open} open`,
      lines: [
        ...brief.incidents.opened
          .slice(0, LISTED)
          .map(
            (incident) =>
              `Opened ${link(`#${incident.id} ${incident.title}`, `/incidents/${incident.id}`)} [${incident.severity}] (${incident.status})`,
          ),
        ...more(brief.incidents.opened.length),
        ...brief.incidents.changed
          .slice(0, LISTED)
          .map(
            (incident) =>
              `Now ${incident.status}: ${link(`#${incident.id} ${incident.title}`, `/incidents/${incident.id}`)}`,
          ),
        ...brief.incidents.closed
          .slice(0, LISTED)
          .map(
            (incident) =>
              `Closed ${link(`#${incident.id} ${incident.title}`, `/incidents/${incident.id}`)} (${incident.resolution ?? 'no resolution'})`,
          ),
      ],
    },
    {
      title: `Follow-ups due: ${brief.followUps.due.length}`,
      lines: [
        ...brief.followUps.due
          .slice(0, LISTED)
          .map(
            (task) =>
              `${task.overdue ? 'OVERDUE ' : ''}${task.title} (${link(`incident #${task.incidentId}`, `/incidents/${task.incidentId}`)}${task.owner ? `, ${task.owner}` : ''})`,
          ),
        ...more(brief.followUps.due.length),
      ],
    },
  ]
  if (brief.silences.expiringSoon.length > 0)
    result.push({
      title: 'Silences ending within 24h',
      lines: brief.silences.expiringSoon.map(
        (silence) => `#${silence.id} ends ${when(silence.endsAt)}: ${silence.comment}`,
      ),
    })
  if (brief.exceptions.expiringSoon.length + brief.exceptions.expired.length > 0)
    result.push({
      title: 'Exceptions to review',
      lines: [
        ...brief.exceptions.expired.map(
          (exception) =>
            `#${exception.id} expired ${when(exception.expiresAt)} (${exception.owner}): alerts are raised again`,
        ),
        ...brief.exceptions.expiringSoon.map(
          (exception) =>
            `#${exception.id} expires ${when(exception.expiresAt)} (${exception.owner}, ${exception.hitCount} hits): ${exception.reason}`,
        ),
      ],
    })
  result.push({
    title: `Sources: ${brief.sources.silent.length === 0 ? 'all sending' : `${brief.sources.silent.length} silent`}`,
    lines: brief.sources.silent.map((source) => `${source.name} silent since ${when(source.silentSince)}`),
  })
  return result
}

/** Slack mrkdwn links are `<url|text>`. */
const slackText = (markdown: string) =>
  markdown
    .replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c)
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '<$2|$1>')

export function briefSlackBlocks(notice: BriefNotice, publicUrl: string | undefined): unknown[] {
  const blocks: unknown[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: `Watchfloor brief — ${notice.title}`.slice(0, 150) },
    },
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `${when(notice.brief.since)} → ${when(notice.brief.until)}` }],
    },
  ]
  for (const section of sections(notice, publicUrl)) {
    const text = [
      `*${slackText(section.title)}*`,
      ...section.lines.map((line) => `• ${slackText(line)}`),
    ].join('\n')
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 2_900) } })
  }
  const url = consoleLink(publicUrl, `/brief?since=${encodeURIComponent(notice.brief.since)}`)
  if (url)
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open the brief in Watchfloor' }, url }],
    })
  return blocks
}

export function briefTeamsBody(
  notice: BriefNotice,
  publicUrl: string | undefined,
): { body: unknown[]; actions: unknown[] } {
  const body: unknown[] = [
    {
      type: 'TextBlock',
      size: 'Medium',
      weight: 'Bolder',
      wrap: true,
      text: `Watchfloor brief — ${notice.title}`,
    },
    {
      type: 'TextBlock',
      isSubtle: true,
      wrap: true,
      text: `${when(notice.brief.since)} → ${when(notice.brief.until)}`,
    },
  ]
  for (const section of sections(notice, publicUrl)) {
    body.push({ type: 'TextBlock', weight: 'Bolder', wrap: true, text: section.title })
    if (section.lines.length > 0)
      body.push({ type: 'TextBlock', wrap: true, text: section.lines.map((line) => `- ${line}`).join('\n') })
  }
  const url = consoleLink(publicUrl, `/brief?since=${encodeURIComponent(notice.brief.since)}`)
  return {
    body,
    actions: url ? [{ type: 'Action.OpenUrl', title: 'Open the brief in Watchfloor', url }] : [],
  }
}

/** Mail reads like the terminal brief, with links to the console. */
export function briefEmailText(notice: BriefNotice, publicUrl: string | undefined): string {
  return `Watchfloor brief — ${notice.title}\n\n${formatBrief(notice.brief, publicUrl?.replace(/\/+$/, ''))}`
}
