import { execFileSync } from 'node:child_process'
import type { NormalisedEvent } from '../../core/event.js'
import type { ParseInput, ParseOutcome } from '../pipeline/parse-port.js'

/** Reads archives of the shared samples with the system's unzip and tar (no copies in the project). */
const MAX_BUFFER = 1024 * 1024 * 1024

export function zipEntries(file: string): string[] {
  return execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' })
    .split('\n')
    .filter((name) => name !== '' && !name.endsWith('/'))
}

/** The first `maxLines` lines of one archive member (`unzip -p | head`: big members are not inflated whole). */
export function zipEntry(file: string, entry: string, maxLines: number): Buffer {
  return execFileSync(
    'sh',
    ['-c', 'unzip -p "$1" "$2" | head -n "$3"', 'sh', file, entry, String(maxLines)],
    {
      maxBuffer: MAX_BUFFER,
    },
  )
}

/** The archive's text; `truncated` when the archive ends early (its last line may be cut). */
export function tarGzText(file: string): { text: string; truncated: boolean } {
  try {
    return {
      text: execFileSync('tar', ['-xzOf', file], {
        maxBuffer: MAX_BUFFER,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
      truncated: false,
    }
  } catch (error) {
    const stdout = (error as { stdout?: unknown }).stdout
    if (typeof stdout !== 'string' || stdout.length === 0) throw error
    return { text: stdout, truncated: true }
  }
}

/** pcap (both byte orders) and pcapng, told by the member's first bytes: network captures, not logs. */
export function isPacketCapture(file: string, entry: string): boolean {
  const bytes = execFileSync('sh', ['-c', 'unzip -p "$1" "$2" | head -c 4', 'sh', file, entry])
  const magic = bytes.toString('hex')
  return magic === 'd4c3b2a1' || magic === 'a1b2c3d4' || magic === '0a0d0d0a' || magic === '4d3cb2a1'
}

export function splitLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '')
}

export const FIELD_COLUMNS = [
  'time',
  'code',
  'host',
  'user',
  'src',
  'dst',
  'proc',
  'cmd',
  'file',
  'url',
] as const
type FieldColumn = (typeof FIELD_COLUMNS)[number]

const FILLED: Record<FieldColumn, (event: NormalisedEvent) => boolean> = {
  time: (event) => event.timestamp.getTime() !== event.receivedAt.getTime(),
  code: (event) => event.eventCode !== null,
  host: (event) => event.hostName !== null,
  user: (event) => event.userName !== null,
  src: (event) => event.sourceIp !== null,
  dst: (event) => event.destinationIp !== null,
  proc: (event) => event.processName !== null,
  cmd: (event) => event.processCommandLine !== null,
  file: (event) => event.ecs.file !== undefined,
  url: (event) => event.ecs.url !== undefined,
}

export interface SampleSummary {
  name: string
  records: number
  events: number
  failures: Array<{ record: number; reason: string; path?: string | undefined }>
  datasets: Map<string, number>
  filled: Record<FieldColumn, number>
  note?: string
}

export function newSummary(name: string): SampleSummary {
  const filled = Object.fromEntries(FIELD_COLUMNS.map((column) => [column, 0])) as Record<FieldColumn, number>
  return { name, records: 0, events: 0, failures: [], datasets: new Map(), filled }
}

/** Parses one record into the summary; returns the events (empty on a failure). */
export function record(
  summary: SampleSummary,
  parse: (input: ParseInput) => ParseOutcome,
  input: ParseInput,
): NormalisedEvent[] {
  summary.records++
  const outcome = parse(input)
  if ('error' in outcome) {
    summary.failures.push({ record: summary.records, reason: outcome.error.reason, path: outcome.error.path })
    return []
  }
  for (const event of outcome.events) {
    summary.events++
    const dataset = event.dataset ?? '(none)'
    summary.datasets.set(dataset, (summary.datasets.get(dataset) ?? 0) + 1)
    for (const column of FIELD_COLUMNS) if (FILLED[column](event)) summary.filled[column]++
  }
  return outcome.events
}

function topDatasets(datasets: Map<string, number>): string {
  const sorted = [...datasets.entries()].sort((a, b) => b[1] - a[1])
  const shown = sorted.slice(0, 2).map(([name]) => name)
  return sorted.length > 2 ? `${shown.join(',')} +${sorted.length - 2}` : shown.join(',')
}

/** A table: one row per file, the share of events with each field filled. */
export function formatTable(title: string, summaries: readonly SampleSummary[]): string {
  const header = ['file', 'records', 'events', 'dead', 'dataset', ...FIELD_COLUMNS]
  const rows = summaries.map((summary) => [
    summary.name.length > 48 ? `…${summary.name.slice(-47)}` : summary.name,
    String(summary.records),
    String(summary.events),
    String(summary.failures.length),
    summary.note ?? topDatasets(summary.datasets),
    ...FIELD_COLUMNS.map((column) =>
      summary.events === 0 ? '-' : `${Math.round((100 * summary.filled[column]) / summary.events)}%`,
    ),
  ])
  const widths = header.map((cell, index) => Math.max(cell.length, ...rows.map((row) => row[index]!.length)))
  const line = (cells: string[]) => cells.map((cell, index) => cell.padEnd(widths[index]!)).join('  ')
  const totals = summaries.reduce(
    (sum, summary) => ({
      records: sum.records + summary.records,
      events: sum.events + summary.events,
      dead: sum.dead + summary.failures.length,
    }),
    { records: 0, events: 0, dead: 0 },
  )
  return [
    `\n${title}: ${summaries.length} files, ${totals.records} records, ${totals.events} events, ${totals.dead} dead letters`,
    line(header),
    ...rows.map(line),
  ].join('\n')
}

/** The first few failures, for a readable assertion message. */
export function failureReport(summaries: readonly SampleSummary[]): string[] {
  return summaries.flatMap((summary) =>
    summary.failures
      .slice(0, 3)
      .map(
        (failure) =>
          `${summary.name} record ${failure.record}: ${failure.reason}${failure.path ? ` at ${failure.path}` : ''}`,
      ),
  )
}
