import { SEVERITIES } from '../alerts/alert-metadata.js'
import type { NotifyRouteRow } from '../store/schema.js'
import type { AlertNotice } from './message.js'

/** Channel ids an alert goes to; pure, so it can run inside a transaction. */
export type AlertRouter = (alert: AlertNotice) => number[]

/** What the alert services need: a router prepared before their transaction opens. */
export interface NotifyRouting {
  router(): Promise<AlertRouter>
}

export const NO_ROUTES: AlertRouter = () => []

function severityRank(severity: string): number {
  return (SEVERITIES as readonly string[]).indexOf(severity)
}

function anyOf(wanted: readonly string[], values: readonly string[]): boolean {
  if (wanted.length === 0) return true
  const lower = new Set(wanted.map((value) => value.toLowerCase()))
  return values.some((value) => lower.has(value.toLowerCase()))
}

export function routeMatches(route: NotifyRouteRow, alert: AlertNotice): boolean {
  if (route.min_severity && severityRank(alert.severity) < severityRank(route.min_severity)) return false
  return (
    anyOf(route.rule_tags, alert.tags) &&
    anyOf(route.rule_ids, [alert.ruleId]) &&
    anyOf(route.sources, alert.source ? [alert.source] : []) &&
    anyOf(route.hosts, alert.hosts) &&
    anyOf(route.users, alert.users)
  )
}

/**
 * Routes in order (position, then id): every matching route adds its channels; a match on a
 * route without `continue_matching` ends the walk. Disabled channels are left out.
 */
export function compileRouter(
  routes: readonly NotifyRouteRow[],
  enabledChannels: ReadonlySet<number>,
): AlertRouter {
  const ordered = routes
    .filter((route) => route.enabled)
    .sort((a, b) => a.position - b.position || a.id - b.id)
  return (alert) => {
    const channels = new Set<number>()
    for (const route of ordered) {
      if (!routeMatches(route, alert)) continue
      for (const id of route.channel_ids) if (enabledChannels.has(id)) channels.add(id)
      if (!route.continue_matching) break
    }
    return [...channels]
  }
}
