import type { Command } from 'commander'
import { type ApiFlags, apiClient, withApiFlags } from '../api-client.js'
import { printTable } from '../shared.js'
import { parseDuration } from './silence.js'

interface PublicAlert {
  id: number
  severity: string
  status: string
  ruleTitle: string
  count: number
  assignee: string | null
  lastSeen: string
  entities: Record<string, string[]>
}

export function registerAlerts(program: Command): void {
  const alerts = program.command('alerts').description('triage alerts (talks to the server)')

  withApiFlags(alerts.command('list'))
    .description('alerts, newest first')
    .option(
      '--status <list>',
      'new, acknowledged, in_progress, closed (comma-separated)',
      'new,acknowledged,in_progress',
    )
    .option('--severity <list>', 'info, low, medium, high, critical (comma-separated)')
    .option('-q, --query <text>', 'rule title contains')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action(
      async (
        flags: ApiFlags & {
          status: string
          severity?: string
          query?: string
          limit: string
          json?: boolean
        },
      ) => {
        const params = new URLSearchParams({ status: flags.status, limit: flags.limit })
        if (flags.severity) params.set('severity', flags.severity)
        if (flags.query) params.set('q', flags.query)
        const { items } = await apiClient(flags).request<{ items: PublicAlert[] }>(
          'GET',
          `/api/v1/alerts?${params}`,
        )
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(items, null, 2)}\n`)
          return
        }
        printTable(
          items.map((alert) => ({
            ...alert,
            host: alert.entities.hosts?.[0] ?? null,
            lastSeen: alert.lastSeen.replace('T', ' ').slice(0, 19),
          })),
          ['id', 'severity', 'status', 'count', 'host', 'assignee', 'lastSeen', 'ruleTitle'],
        )
      },
    )

  withApiFlags(alerts.command('ack <ids...>'))
    .description('acknowledge alerts')
    .action(async (ids: string[], flags: ApiFlags) => {
      const { updated } = await apiClient(flags).request<{ updated: number }>('POST', '/api/v1/alerts/bulk', {
        ids: ids.map(Number),
        action: 'acknowledge',
      })
      process.stdout.write(`${updated} acknowledged\n`)
    })

  withApiFlags(alerts.command('close <ids...>'))
    .description('close alerts with a resolution and a comment')
    .requiredOption(
      '-r, --resolution <resolution>',
      'true_positive, benign_positive, false_positive, duplicate or other',
    )
    .requiredOption('-m, --comment <text>', 'why')
    .action(async (ids: string[], flags: ApiFlags & { resolution: string; comment: string }) => {
      const { updated } = await apiClient(flags).request<{ updated: number }>('POST', '/api/v1/alerts/bulk', {
        ids: ids.map(Number),
        action: 'close',
        resolution: flags.resolution,
        comment: flags.comment,
      })
      process.stdout.write(`${updated} closed\n`)
    })

  withApiFlags(alerts.command('merge <target> <sources...>'))
    .description('merge alerts into the first one: the others close as duplicates pointing at it')
    .option('-m, --comment <text>', 'why they are one')
    .action(async (target: string, sources: string[], flags: ApiFlags & { comment?: string }) => {
      const { merged } = await apiClient(flags).request<{ merged: number[] }>(
        'POST',
        `/api/v1/alerts/${encodeURIComponent(target)}/merge`,
        { sourceIds: sources.map(Number), ...(flags.comment ? { comment: flags.comment } : {}) },
      )
      process.stdout.write(`${merged.length} merged into ${target}\n`)
    })

  withApiFlags(alerts.command('silence-similar <id>'))
    .description('silence new alerts like this one (same rule and host by default) for a while')
    .option('-f, --fields <list>', 'ruleId, host, user, source, severity (comma-separated)', 'ruleId,host')
    .requiredOption('-d, --duration <duration>', 'how long: 30m, 4h, 2d')
    .requiredOption('-m, --comment <text>', 'why')
    .action(async (id: string, flags: ApiFlags & { fields: string; duration: string; comment: string }) => {
      const silence = await apiClient(flags).request<{ id: number; endsAt: string }>(
        'POST',
        `/api/v1/alerts/${encodeURIComponent(id)}/silence-similar`,
        {
          fields: flags.fields.split(',').map((field) => field.trim()),
          durationSeconds: parseDuration(flags.duration) / 1_000,
          comment: flags.comment,
        },
      )
      process.stdout.write(`silence ${silence.id} until ${silence.endsAt}\n`)
    })
}
