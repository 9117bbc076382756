import type { Command } from 'commander'
import { CliExit, EXIT } from '../../cli/shared.js'
import { UserError } from '../../core/errors.js'
import { readEventFileBatches } from '../../ingest/files/read-event-files.js'
import { loadRules } from '../sigma/index.js'
import { parsePlaceholders, reportLoadErrors } from './scan-command.js'
import { ScanEngine } from './scan-engine.js'
import { type ScanReadStats, scanEvents } from './scan-events.js'

/** `rules lint` and `rules test`: offline checks of rule files, added to the `rules` group. */
export function addOfflineRulesCommands(rules: Command): void {
  rules
    .command('lint')
    .description(
      'load rule files and folders and list every error with file:line, rule id and field (offline)',
    )
    .argument('<paths...>', 'rule files or folders')
    .option('--placeholder <name=value...>', 'a value for an expand placeholder')
    .action(async (paths: string[], flags: { placeholder?: string[] }) => {
      const loaded = await loadRules(paths, { placeholders: parsePlaceholders(flags.placeholder ?? []) })
      for (const error of loaded.errors) process.stdout.write(`${error.message}\n`)
      process.stderr.write(
        `${loaded.files} files: ${loaded.rules.length} rules, ${loaded.correlations.length} correlations, ${loaded.filters.length} filters, ${loaded.errors.length} errors\n`,
      )
      if (loaded.errors.length > 0) throw new CliExit(EXIT.failure, '')
    })

  rules
    .command('test')
    .description(
      'run one rule file (with its correlations) over sample events and show what matched (offline)',
    )
    .argument('<rule>', 'a rule file')
    .argument('<events...>', 'event files: JSON lines, JSON, CSV, EVTX, gzip, zip')
    .option('--expect <n>', 'exit 1 unless exactly this many findings')
    .option('--placeholder <name=value...>', 'a value for an expand placeholder')
    .action(
      async (rule: string, eventPaths: string[], flags: { expect?: string; placeholder?: string[] }) => {
        const expected = flags.expect === undefined ? undefined : Number(flags.expect)
        if (expected !== undefined && !(Number.isInteger(expected) && expected >= 0)) {
          throw new CliExit(EXIT.usage, 'error: --expect wants a whole number')
        }
        const loaded = await loadRules([rule], { placeholders: parsePlaceholders(flags.placeholder ?? []) })
        reportLoadErrors(loaded)
        if (loaded.errors.length > 0 || loaded.rules.length === 0) {
          throw new CliExit(EXIT.usage, `error: ${rule} has no loadable rule`)
        }
        const engine = new ScanEngine(loaded.rules, loaded.correlations)
        const stats: ScanReadStats = { events: 0, problems: [] }
        let found = 0
        const print = (title: string, where: string | undefined) => {
          found += 1
          process.stdout.write(`match  ${where ?? '-'}  ${title}\n`)
        }
        try {
          for await (const batch of scanEvents(readEventFileBatches(eventPaths), stats)) {
            for (const { event, where } of batch) {
              for (const finding of engine.scan(event, where)) print(finding.title, finding.where)
            }
          }
        } catch (error) {
          if (error instanceof UserError) throw new CliExit(EXIT.unavailable, `error: ${error.message}`)
          throw error
        }
        for (const finding of engine.finish()) print(finding.title, finding.where)
        for (const problem of stats.problems) process.stderr.write(`warning: ${problem}\n`)
        process.stderr.write(`${found} findings in ${stats.events} events\n`)
        if (expected !== undefined ? found !== expected : found === 0) {
          throw new CliExit(
            EXIT.failure,
            expected === undefined ? 'no event matched' : `expected ${expected} findings, got ${found}`,
          )
        }
      },
    )
}
