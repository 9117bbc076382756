import type { Command } from 'commander'
import { ProgressReporter } from '../../cli/progress.js'
import { CliExit, EXIT } from '../../cli/shared.js'
import { UserError } from '../../core/errors.js'
import { readFoundFileBatches } from '../../ingest/files/read-event-files.js'
import type { ReadProgress } from '../../ingest/files/read-progress.js'
import { type FoundFile, findEventFiles } from '../../ingest/files/walk-paths.js'
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
import { ScanPool } from './scan-pool.js'
import type { ScanWorkerSetup } from './scan-protocol.js'

interface ScanFlags {
  rules: string[]
  format: string
  minLevel?: string
  tag?: string[]
  placeholder?: string[]
  progress: boolean
  threads: string
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
    .option('--threads <n>', 'worker threads for many files, each thread reading whole files', '1')
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
  const threads = parseThreads(flags.threads)
  const placeholders = parsePlaceholders(flags.placeholder ?? [])
  const files = await findEventFiles(paths).catch(unavailable)
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
  const output: ScanOutput = {
    progress,
    onProgress: progress ? (position: ReadProgress) => progress.update(position) : undefined,
  }
  const setup: RuleSetup = { rulePaths: flags.rules, placeholders }
  let run: ScanRun
  try {
    run =
      threads > 1 && files.length > 1
        ? await scanOnThreads(files, threads, setup, stats, emit, output)
        : await scanHere(files, setup, stats, emit, output)
  } finally {
    progress?.finish()
  }
  emit(run.engine.finish())
  writer.end()
  for (const problem of stats.problems.slice(0, 20)) process.stderr.write(`warning: ${problem}\n`)
  if (stats.problems.length > 20)
    process.stderr.write(`warning: … and ${stats.problems.length - 20} more problems\n`)
  process.stderr.write(
    `${run.rules} rules, ${run.correlations} correlations\n${summary.text(stats.events, (performance.now() - started) / 1000)}`,
  )
  const { groups, values } = run.engine.correlator.evictions
  if (groups + values > 0)
    process.stderr.write(`correlation state evicted: ${groups} groups, ${values} values\n`)
  if (stats.events === 0 && stats.problems.length > 0) return EXIT.unavailable
  return summary.total > 0 ? EXIT.failure : EXIT.ok
}

/** The engine that judged the events (its correlations still to be flushed) and what was loaded. */
interface ScanRun {
  engine: ScanEngine
  rules: number
  correlations: number
}

interface ScanOutput {
  progress: ProgressReporter | undefined
  onProgress: ((position: ReadProgress) => void) | undefined
}

type RuleSetup = Pick<ScanWorkerSetup, 'rulePaths' | 'placeholders'>

/** One thread: rules loaded and events matched here. */
async function scanHere(
  files: readonly FoundFile[],
  setup: RuleSetup,
  stats: ScanReadStats,
  emit: (findings: Finding[]) => void,
  { progress, onProgress }: ScanOutput,
): Promise<ScanRun> {
  const loaded = await loadRules(setup.rulePaths, { placeholders: setup.placeholders })
  reportLoadErrors(loaded)
  if (loaded.rules.length === 0) throw new CliExit(EXIT.usage, 'error: no rule loaded')
  const engine = new ScanEngine(loaded.rules, loaded.correlations)
  try {
    for await (const batch of scanEvents(readFoundFileBatches(files, { onProgress }), stats)) {
      progress?.addRecords(batch.length)
      for (const { event, where } of batch) emit(engine.scan(event, where))
    }
  } catch (error) {
    unavailable(error)
  }
  return { engine, rules: loaded.rules.length, correlations: loaded.correlations.length }
}

/**
 * Worker threads read and match whole files (see ScanPool); their matches come back in file
 * order and go through this thread's engine, which runs the correlations over all of them.
 */
async function scanOnThreads(
  files: FoundFile[],
  threads: number,
  setup: RuleSetup,
  stats: ScanReadStats,
  emit: (findings: Finding[]) => void,
  { progress, onProgress }: ScanOutput,
): Promise<ScanRun> {
  const pool = new ScanPool(files, { threads, setup: { ...setup, unmappedRules: 'always' }, onProgress })
  try {
    const report = await pool.loaded()
    for (const message of report.errors) process.stderr.write(`rule error: ${message}\n`)
    if (report.rules === 0) throw new CliExit(EXIT.usage, 'error: no rule loaded')
    const engine = new ScanEngine([], report.correlations)
    for await (const batch of pool.results()) {
      progress?.addRecords(batch.events)
      stats.events += batch.events
      stats.problems.push(...batch.problems)
      let position = 0
      for (const hit of batch.hits) {
        engine.skip(hit.offset - position)
        emit(engine.observe(hit.matches, hit.where))
        position = hit.offset + 1
      }
      engine.skip(batch.events - position)
    }
    return { engine, rules: report.rules, correlations: report.correlations.length }
  } finally {
    await pool.close()
  }
}

function parseThreads(value: string): number {
  const threads = Number(value)
  if (!Number.isInteger(threads) || threads < 1 || threads > 64)
    throw new CliExit(EXIT.usage, `error: --threads must be a whole number from 1 to 64, got "${value}"`)
  return threads
}

/** A file that cannot be read is exit code 3; anything else is a bug and propagates. */
function unavailable(error: unknown): never {
  if (error instanceof UserError) throw new CliExit(EXIT.unavailable, `error: ${error.message}`)
  throw error
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
