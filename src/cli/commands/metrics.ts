import type { Command } from 'commander'
import { parseSince } from '../../brief/brief.service.js'
import { type ApiFlags, apiClient, withApiFlags } from '../api-client.js'
import { CliExit, EXIT, printTable } from '../shared.js'

interface Summary {
  incidents: number
  mttdMs: number | null
  mttaMs: number | null
  mttcMs: number | null
  mttrMs: number | null
}
interface ResponseMetrics {
  from: string
  to: string
  overall: Summary
  groups: (Summary & { key: string; label: string })[]
  falsePositives: {
    ruleId: string
    ruleTitle: string
    closed: number
    falsePositives: number
    rate: number | null
  }[]
}

/** 95 s → "1m 35s", 26 h → "1d 2h": two units are enough to read a mean at a glance. */
export function shortDuration(ms: number | null): string {
  if (ms === null) return '–'
  const seconds = Math.round(ms / 1000)
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ]
  const parts: string[] = []
  let rest = seconds
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size)
    if (count > 0 || (unit === 's' && parts.length === 0)) parts.push(`${count}${unit}`)
    rest -= count * size
    if (parts.length === 2) break
  }
  return parts.join(' ')
}

export function registerMetrics(program: Command): void {
  withApiFlags(program.command('metrics'))
    .description('response times (MTTD, MTTA, MTTC, MTTR) and false-positive rate per rule')
    .option('-s, --since <when>', '30d, 72h, monday, or an ISO date', '30d')
    .option('--by <group>', 'severity or rule')
    .option('--json', 'print JSON')
    .action(async (flags: ApiFlags & { since: string; by?: string; json?: boolean }) => {
      const from = parseSince(flags.since)
      if (!from)
        throw new CliExit(EXIT.usage, `error: "${flags.since}" is not a time: write 30d, 72h or a date`)
      if (flags.by && !['severity', 'rule'].includes(flags.by))
        throw new CliExit(EXIT.usage, 'error: --by must be severity or rule')
      const params = new URLSearchParams({ from: from.toISOString(), to: new Date().toISOString() })
      if (flags.by) params.set('group_by', flags.by)
      const metrics = await apiClient(flags).request<ResponseMetrics>(
        'GET',
        `/api/v1/metrics/response?${params}`,
      )
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(metrics, null, 2)}\n`)
        return
      }
      const row = (name: string, summary: Summary) => ({
        [flags.by ?? 'scope']: name,
        incidents: summary.incidents,
        mttd: shortDuration(summary.mttdMs),
        mtta: shortDuration(summary.mttaMs),
        mttc: shortDuration(summary.mttcMs),
        mttr: shortDuration(summary.mttrMs),
      })
      process.stdout.write(
        `Incidents opened ${metrics.from.slice(0, 16)} – ${metrics.to.slice(0, 16)} UTC\n\n`,
      )
      printTable(
        [...metrics.groups.map((group) => row(group.label, group)), row('all', metrics.overall)],
        [flags.by ?? 'scope', 'incidents', 'mttd', 'mtta', 'mttc', 'mttr'],
      )
      if (metrics.falsePositives.length > 0) {
        process.stdout.write('\nAlerts closed, by rule\n\n')
        printTable(
          metrics.falsePositives.map((rule) => ({
            rule: rule.ruleTitle,
            closed: rule.closed,
            falsePositive: rule.falsePositives,
            rate: rule.rate === null ? '–' : `${(rule.rate * 100).toFixed(1)}%`,
          })),
          ['rule', 'closed', 'falsePositive', 'rate'],
        )
      }
    })
}
