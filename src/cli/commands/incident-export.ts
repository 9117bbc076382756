import { writeFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { type ApiFlags, apiClient, withApiFlags } from '../api-client.js'
import { CliExit, EXIT } from '../shared.js'

const FORMATS = ['md', 'html', 'pdf']

/** `watchfloor incident export <id>`: the incident report (and RCA) as Markdown, HTML or PDF. */
export function registerIncidentExport(program: Command): void {
  const incident =
    program.commands.find((command) => command.name() === 'incident') ??
    program.command('incident').description('incidents (talks to the server)')

  withApiFlags(incident.command('export <id>'))
    .description('export the incident report as Markdown, HTML or PDF, from the team templates')
    .option('-f, --format <format>', 'md, html or pdf', 'md')
    .option('--no-rca', 'leave the root-cause analysis out')
    .option('-o, --output <file>', 'write to this file (default: incident-<id>.<format>; - for stdout)')
    .action(async (id: string, flags: ApiFlags & { format: string; rca: boolean; output?: string }) => {
      if (!/^\d+$/.test(id)) throw new CliExit(EXIT.usage, `error: "${id}" is not an incident number`)
      if (!FORMATS.includes(flags.format))
        throw new CliExit(EXIT.usage, `error: --format must be one of ${FORMATS.join(', ')}`)
      const params = new URLSearchParams({ format: flags.format })
      if (flags.rca) params.set('include', 'rca')
      const body = await apiClient(flags).download(`/api/v1/incidents/${id}/report?${params}`)
      const output = flags.output ?? `incident-${id}.${flags.format}`
      if (output === '-') {
        process.stdout.write(body)
        return
      }
      await writeFile(output, body)
      process.stderr.write(`wrote ${output} (${body.length} bytes)\n`)
    })
}
