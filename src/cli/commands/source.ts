import type { Command } from 'commander'
import type { PublicSource } from '../../ingest/sources.service.js'
import { type ApiFlags, apiClient, withApiFlags } from '../api-client.js'
import { printTable } from '../shared.js'

interface SourceFlags extends ApiFlags {
  parser?: string
  timezone?: string
  interval?: string
  description?: string
}

function settingsFrom(flags: SourceFlags): Record<string, unknown> {
  return {
    ...(flags.parser ? { parser: flags.parser } : {}),
    ...(flags.timezone ? { timezone: flags.timezone } : {}),
    ...(flags.interval ? { expectedIntervalSeconds: Number(flags.interval) } : {}),
    ...(flags.description ? { description: flags.description } : {}),
  }
}

export function registerSource(program: Command): void {
  const source = program
    .command('source')
    .description('log sources: parser, time zone, expected interval, ingest tokens (talks to the server)')

  withApiFlags(source.command('list'))
    .description('list sources with their counts and last event time')
    .option('--json', 'print JSON')
    .action(async (flags: ApiFlags & { json?: boolean }) => {
      const { items } = await apiClient(flags).request<{ items: PublicSource[] }>('GET', '/api/v1/sources')
      if (flags.json) process.stdout.write(`${JSON.stringify(items, null, 2)}\n`)
      else
        printTable(items as unknown as Record<string, unknown>[], [
          'name',
          'parser',
          'timezone',
          'eventsTotal',
          'deadLettersTotal',
          'lastEventAt',
          'silentSince',
        ])
    })

  for (const verb of ['create', 'update'] as const) {
    withApiFlags(source.command(`${verb} <name>`))
      .description(verb === 'create' ? 'create a source' : 'change a source')
      .option('--parser <name>', 'parser (default auto: detected from the content)')
      .option('--timezone <zone>', 'IANA zone for timestamps without one (default UTC)')
      .option(
        '--interval <seconds>',
        'expected interval between events; silence beyond it raises source.silent',
      )
      .option('--description <text>', 'what this source is')
      .action(async (name: string, flags: SourceFlags) => {
        const client = apiClient(flags)
        const result =
          verb === 'create'
            ? await client.request<PublicSource>('POST', '/api/v1/sources', { name, ...settingsFrom(flags) })
            : await client.request<PublicSource>(
                'PATCH',
                `/api/v1/sources/${encodeURIComponent(name)}`,
                settingsFrom(flags),
              )
        process.stdout.write(
          `${verb === 'create' ? 'created' : 'updated'} source ${result.name} (parser ${result.parser}, ${result.timezone})\n`,
        )
      })
  }

  withApiFlags(source.command('token <name>'))
    .description('issue a new ingest token for the source (the old one stops working); printed once')
    .action(async (name: string, flags: ApiFlags) => {
      const { token } = await apiClient(flags).request<{ token: string }>(
        'POST',
        `/api/v1/sources/${encodeURIComponent(name)}/token`,
        {},
      )
      process.stdout.write(`${token}\n`)
      process.stderr.write(
        `ingest token for ${name}; shown once. Shippers send it as Authorization: Bearer (HTTP, OTLP), Splunk (HEC) or an Elasticsearch API key.\n`,
      )
    })
}
