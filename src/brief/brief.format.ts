import type { Brief } from './brief.service.js'

const ICON: Record<string, string> = { critical: '!!', high: '! ', medium: '- ', low: '. ', info: '  ' }

function when(iso: string): string {
  return iso.replace('T', ' ').slice(0, 16)
}

/** The brief as a terminal reads it: the counts first, then what needs a person. */
export function formatBrief(brief: Brief, baseUrl?: string): string {
  const lines: string[] = []
  const link = (path: string) => (baseUrl ? `  ${baseUrl}${path}` : '')
  lines.push(`Since ${when(brief.since)} UTC (to ${when(brief.until)})`)
  lines.push('')
  lines.push(
    `ALERTS  ${brief.alerts.newCount} new, ${brief.alerts.stillOpen} still open${brief.alerts.silenced ? `, ${brief.alerts.silenced} silenced` : ''}`,
  )
  for (const [severity, counts] of Object.entries(brief.alerts.bySeverity)) {
    if (counts.new + counts.open === 0) continue
    lines.push(
      `  ${ICON[severity] ?? '  '} ${severity.padEnd(8)} ${String(counts.new).padStart(5)} new ${String(counts.open).padStart(6)} open`,
    )
  }
  if (brief.alerts.topRules.length > 0) {
    lines.push('  Top rules:')
    for (const rule of brief.alerts.topRules)
      lines.push(
        `    ${String(rule.alerts).padStart(4)} alerts ${String(rule.events).padStart(7)} events  [${rule.severity}] ${rule.title}`,
      )
  }
  if (brief.alerts.unassignedCritical.length > 0) {
    lines.push('  Unassigned high and critical:')
    for (const alert of brief.alerts.unassignedCritical)
      lines.push(
        `    #${alert.id} [${alert.severity}] ${alert.title}${alert.host ? ` on ${alert.host}` : ''} since ${when(alert.firstSeen)}${link(`/alerts/${alert.id}`)}`,
      )
  }
  lines.push('')
  lines.push(
    `INCIDENTS  ${brief.incidents.opened.length} opened, ${brief.incidents.changed.length} changed, ${brief.incidents.closed.length} closed, ${brief.incidents.open} open now`,
  )
  for (const incident of brief.incidents.opened)
    lines.push(
      `  + #${incident.id} [${incident.severity}] ${incident.title} (${incident.status})${link(`/incidents/${incident.id}`)}`,
    )
  for (const incident of brief.incidents.changed)
    lines.push(`  ~ #${incident.id} ${incident.title} → ${incident.status}`)
  for (const incident of brief.incidents.closed)
    lines.push(`  x #${incident.id} ${incident.title} (${incident.resolution ?? 'no resolution'})`)
  lines.push('')
  lines.push(`FOLLOW-UPS  ${brief.followUps.due.length} due within a week or without a date`)
  for (const task of brief.followUps.due)
    lines.push(
      `  ${task.overdue ? 'OVERDUE ' : ''}${task.title} (incident #${task.incidentId}${task.owner ? `, ${task.owner}` : ''}${task.dueAt ? `, due ${when(task.dueAt)}` : ''})`,
    )
  if (brief.silences.expiringSoon.length > 0) {
    lines.push('')
    lines.push('SILENCES ENDING WITHIN 24H')
    for (const silence of brief.silences.expiringSoon)
      lines.push(`  #${silence.id} ends ${when(silence.endsAt)} by ${silence.author}: ${silence.comment}`)
  }
  if (brief.exceptions.expiringSoon.length + brief.exceptions.expired.length > 0) {
    lines.push('')
    lines.push('EXCEPTIONS')
    for (const exception of brief.exceptions.expired)
      lines.push(
        `  #${exception.id} EXPIRED ${when(exception.expiresAt)} (${exception.ruleId ?? 'all rules'}, ${exception.owner}): matching detections raise alerts again`,
      )
    for (const exception of brief.exceptions.expiringSoon)
      lines.push(
        `  #${exception.id} expires ${when(exception.expiresAt)} (${exception.ruleId ?? 'all rules'}, ${exception.owner}, ${exception.hitCount} hits): ${exception.reason}`,
      )
  }
  lines.push('')
  lines.push(
    `SOURCES  ${brief.sources.silent.length === 0 ? 'all sending' : `${brief.sources.silent.length} silent`}`,
  )
  for (const source of brief.sources.silent)
    lines.push(`  ${source.name} silent since ${when(source.silentSince)}`)
  return `${lines.join('\n')}\n`
}
