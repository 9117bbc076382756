import type { Command } from 'commander'
import type { CatalogRule } from '../../detect/live/rule-catalog.js'
import { type ApiFlags, apiClient, withApiFlags } from '../api-client.js'
import { printTable } from '../shared.js'

/** The `rules` command group; offline subcommands (lint, test) are added by the Sigma engine's CLI. */
export function registerRules(program: Command): Command {
  const rules = program
    .command('rules')
    .description('Sigma rules: list, switch on and off, reload (on the server); lint and test (offline)')

  withApiFlags(rules.command('list'))
    .description('rules the server runs')
    .option('-q, --query <text>', 'title or id contains')
    .option('--level <level>', 'only this level')
    .option('--disabled', 'only rules switched off')
    .option('--limit <n>', 'at most this many', '100')
    .action(
      async (flags: ApiFlags & { query?: string; level?: string; disabled?: boolean; limit: string }) => {
        const params = new URLSearchParams({ limit: flags.limit })
        if (flags.query) params.set('q', flags.query)
        if (flags.level) params.set('level', flags.level)
        if (flags.disabled) params.set('enabled', 'false')
        const { items, total, errors } = await apiClient(flags).request<{
          items: CatalogRule[]
          total: number
          errors: number
        }>('GET', `/api/v1/rules?${params}`)
        printTable(items as unknown as Record<string, unknown>[], ['id', 'level', 'enabled', 'title'])
        process.stderr.write(
          `${items.length} of ${total} rules shown; ${errors} failed to load (see GET /api/v1/rules/errors)\n`,
        )
      },
    )

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    withApiFlags(rules.command(`${verb} <id>`))
      .description(enabled ? 'switch a rule back on' : 'switch a rule off')
      .option('--reason <text>', 'why (kept with the rule and in the audit log)')
      .action(async (id: string, flags: ApiFlags & { reason?: string }) => {
        const rule = await apiClient(flags).request<CatalogRule>(
          'POST',
          `/api/v1/rules/${encodeURIComponent(id)}/${verb}`,
          flags.reason ? { reason: flags.reason } : {},
        )
        process.stdout.write(`${rule.id} ${rule.enabled ? 'enabled' : 'disabled'}: ${rule.title}\n`)
      })
  }

  withApiFlags(rules.command('reload'))
    .description('make the server read its rule folders again')
    .action(async (flags: ApiFlags) => {
      const result = await apiClient(flags).request<{ rules: number; errors: number; files: number }>(
        'POST',
        '/api/v1/rules/reload',
        {},
      )
      process.stdout.write(
        `reloaded ${result.rules} rules from ${result.files} files; ${result.errors} errors\n`,
      )
    })
  return rules
}
