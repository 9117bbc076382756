import type { Command } from 'commander'
import { ProgressReporter } from '../../cli/progress.js'
import { CliExit, EXIT } from '../../cli/shared.js'
import { UserError } from '../../core/errors.js'
import { type LoadedRules, loadRules, type PlaceholderValues } from '../sigma/index.js'
import {
  FindingsSummary,
  FindingsWriter,
  LEVELS,
  levelRank,
  OUTPUT_FORMATS,
  type OutputFormat,
} from './findings-output.js'
import { type Finding, ScanEngine } from './scan-engine.js'
import { type ScanReadStats, scanEvents } from './scan-events.js'

interface ScanFlags {
  rules: string[]
  format: string
  minLevel?: string
  tag?: string[]
  placeholder?: string[]
  progress: boolean
}

/** `watchfloor scan`: offline Sigma triage of log files on a laptop, with no server or database. */
export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('run Sigma rules (and correlations) over log files: JSON lines, JSON, CSV, EVTX, gzip, zip')
    .argument('<paths...>', 'files or folders of logs')
    .requiredOption('-r, --rules <dirs...>', 'Sigma rule files or folders')
    .option('-f, --format <format>', `output: ${OUTPUT_FORMATS.join(', ')}`, 'table')
    .option('--min-level <level>', `only findings at this level or above (${LEVELS.join(', ')})`)
    .option('--tag <tags...>', 'only rules with one of these tags (e.g. attack.t1059.001, attack.execution)')
    .option(
      '--placeholder <name=value...>',
      'a value for an expand placeholder (%name%); repeat for more values',
    )
    .option('--no-progress', 'no progress bar on stderr')
    .addHelpText(
      'after',
      '\nExit codes: 0 nothing found, 1 findings, 2 bad usage or no rule loaded, 3 unreadable input.',
    )
    .action(async (paths: string[], flags: ScanFlags) => {
      const code = await runScan(paths, flags)
      if (code !== EXIT.ok) throw new CliExit(code, '')
    })
}

async function runScan(paths: string[], flags: ScanFlags): Promise<number> {
  const started = performance.now()
  if (!(OUTPUT_FORMATS as readonly string[]).includes(flags.format)) {
    throw new CliExit(EXIT.usage, `error: --format must be one of ${OUTPUT_FORMATS.join(', ')}`)
  }
  if (flags.minLevel !== undefined && !(LEVELS as readonly string[]).includes(flags.minLevel)) {
    throw new CliExit(EXIT.usage, `error: --min-level must be one of ${LEVELS.join(', ')}`)
  }
  const loaded = await loadRules(flags.rules, { placeholders: parsePlaceholders(flags.placeholder ?? []) })
  reportLoadErrors(loaded)
  if (loaded.rules.length === 0) throw new CliExit(EXIT.usage, 'error: no rule loaded')
  const engine = new ScanEngine(loaded.rules, loaded.correlations)
  const minimum = flags.minLevel === undefined ? 0 : levelRank(flags.minLevel)
  const tags = new Set((flags.tag ?? []).map((tag) => tag.toLowerCase()))
  const wanted = (finding: Finding) =>
    levelRank(finding.level) >= minimum &&
    (tags.size === 0 || finding.tags.some((tag) => tags.has(tag.toLowerCase())))
  const writer = new FindingsWriter(flags.format as OutputFormat, (text) => process.stdout.write(text))
  const summary = new FindingsSummary()
  const emit = (findings: Finding[]) => {
    for (const finding of findings) {
      if (!wanted(finding)) continue
      writer.write(finding)
      summary.add(finding)
    }
  }
  const stats: ScanReadStats = { events: 0, problems: [] }
  const progress = flags.progress ? new ProgressReporter({ label: 'scan' }) : undefined
  const done = () => progress?.finish()
  try {
    const options = progress
      ? {
          onProgress: (position: { bytesDone: number; bytesTotal: number; file: string }) =>
            progress.update(position),
        }
      : {}
    for await (const batch of scanEvents(paths, stats, options)) {
      progress?.addRecords(batch.length)
      for (const { event, where } of batch) emit(engine.scan(event, where))
    }
  } catch (error) {
    done()
    if (error instanceof UserError) throw new CliExit(EXIT.unavailable, `error: ${error.message}`)
    throw error
  }
  emit(engine.finish())
  done()
  writer.end()
  for (const problem of stats.problems.slice(0, 20)) process.stderr.write(`warning: ${problem}\n`)
  if (stats.problems.length > 20)
    process.stderr.write(`warning: … and ${stats.problems.length - 20} more problems\n`)
  process.stderr.write(
    `${loaded.rules.length} rules, ${loaded.correlations.length} correlations\n${summary.text(stats.events, (performance.now() - started) / 1000)}`,
  )
  const { groups, values } = engine.correlator.evictions
  if (groups + values > 0)
    process.stderr.write(`correlation state evicted: ${groups} groups, ${values} values\n`)
  if (stats.events === 0 && stats.problems.length > 0) return EXIT.unavailable
  return summary.total > 0 ? EXIT.failure : EXIT.ok
}

/** `name=value` pairs; the same name several times gives several values. */
export function parsePlaceholders(pairs: readonly string[]): PlaceholderValues {
  const values: Record<string, string[]> = {}
  for (const pair of pairs) {
    const equals = pair.indexOf('=')
    if (equals <= 0) throw new CliExit(EXIT.usage, `error: --placeholder wants name=value, got "${pair}"`)
    const name = pair.slice(0, equals).replace(/^%|%$/g, '')
    const list = values[name] ?? []
    list.push(pair.slice(equals + 1))
    values[name] = list
  }
  return values
}

export function reportLoadErrors(loaded: LoadedRules): void {
  for (const error of loaded.errors) process.stderr.write(`rule error: ${error.message}\n`)
}
