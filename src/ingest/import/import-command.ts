import type { Command } from 'commander'
import { type ApiFlags, apiClient, withApiFlags } from '../../cli/api-client.js'
import { ProgressReporter } from '../../cli/progress.js'
import { CliExit, EXIT } from '../../cli/shared.js'
import { type FileRecord, recordLocation } from '../files/file-record.js'
import { readEventFileBatches } from '../files/read-event-files.js'

const BATCH_RECORDS = 2_000
const BATCH_BYTES = 4 * 1024 * 1024
const IN_FLIGHT = 2

interface IngestAnswer {
  accepted: number
  deadLettered: number
  errors: { location: string; reason: string }[]
}

interface ImportSummary {
  records: number
  accepted: number
  deadLettered: number
  problems: string[]
  errors: string[]
  seconds: number
}

/** One line per record, as the HTTP ingest endpoint reads it: JSON text, object as JSON, or text. */
function recordLine(record: Exclude<FileRecord, { kind: 'problem' }>): string {
  if (record.kind === 'object') return JSON.stringify(record.raw)
  // A text line holding a raw newline would split in two; NDJSON needs it escaped.
  return record.raw.includes('\n') ? JSON.stringify({ message: record.raw }) : record.raw
}

/**
 * `watchfloor import`: reads files and folders (JSON lines, JSON, CSV, text, gzip, zip, tar, EVTX)
 * and sends them to the server's ingest endpoint, so they take the same parsing path as live
 * input, with dead letters for what cannot be parsed. Shows progress and a summary.
 */
export function registerImport(program: Command): void {
  withApiFlags(program.command('import <paths...>'))
    .description(
      'send log files to the server through the same parsing path as live input (JSON lines, JSON, CSV, text, gzip, zip, tar, EVTX)',
    )
    .requiredOption('-s, --source <name>', 'source the events belong to (created on first use)')
    .option('--json', 'print the summary as JSON')
    .action(async (paths: string[], flags: ApiFlags & { source: string; json?: boolean }) => {
      const summary = await importFiles(paths, flags)
      if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)
      else {
        process.stdout.write(
          `imported ${summary.accepted.toLocaleString()} events from ${summary.records.toLocaleString()} records in ${summary.seconds.toFixed(1)} s; ${summary.deadLettered} dead-lettered, ${summary.problems.length} unreadable\n`,
        )
        for (const line of [...summary.errors, ...summary.problems].slice(0, 20))
          process.stdout.write(`  ${line}\n`)
      }
      if (summary.accepted === 0 && summary.records > 0)
        throw new CliExit(EXIT.failure, 'nothing was imported')
    })
}

export async function importFiles(
  paths: string[],
  flags: ApiFlags & { source: string },
): Promise<ImportSummary> {
  const client = apiClient(flags)
  const progress = new ProgressReporter({ label: 'import' })
  const started = performance.now()
  const summary: ImportSummary = {
    records: 0,
    accepted: 0,
    deadLettered: 0,
    problems: [],
    errors: [],
    seconds: 0,
  }
  const inFlight = new Set<Promise<void>>()
  let lines: string[] = []
  let locations: string[] = []
  let bytes = 0

  const send = (batch: string[], where: string[]) => {
    const task = (async () => {
      const answer = await postWithRetry(client, flags.source, batch.join('\n'))
      summary.accepted += answer.accepted
      summary.deadLettered += answer.deadLettered
      for (const error of answer.errors) {
        const line = Number(/^line (\d+)$/.exec(error.location)?.[1] ?? 0)
        if (summary.errors.length < 100)
          summary.errors.push(`${where[line - 1] ?? error.location}: ${error.reason}`)
      }
    })()
    inFlight.add(task)
    void task.finally(() => inFlight.delete(task))
    return task
  }

  for await (const batch of readEventFileBatches(paths, {
    onProgress: (position) => progress.update(position),
  })) {
    progress.addRecords(batch.length)
    for (const record of batch) {
      if (record.kind === 'problem') {
        summary.problems.push(`${recordLocation(record)}: ${record.message}`)
        continue
      }
      summary.records += 1
      const line = recordLine(record)
      lines.push(line)
      locations.push(recordLocation(record))
      bytes += line.length
      if (lines.length >= BATCH_RECORDS || bytes >= BATCH_BYTES) {
        if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight)
        void send(lines, locations)
        lines = []
        locations = []
        bytes = 0
      }
    }
  }
  if (lines.length > 0) void send(lines, locations)
  await Promise.all(inFlight)
  progress.finish()
  summary.seconds = (performance.now() - started) / 1000
  return summary
}

async function postWithRetry(
  client: ReturnType<typeof apiClient>,
  source: string,
  body: string,
): Promise<IngestAnswer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.requestRaw<IngestAnswer>(
        'POST',
        `/api/v1/ingest/${encodeURIComponent(source)}`,
        body,
        'application/x-ndjson',
      )
    } catch (error) {
      // The queue was full (429) or the server restarting: wait and send the same batch again.
      const retryable =
        error instanceof CliExit && /\b(429|503)\b|queue is full|shutting down/.test(error.message)
      if (!retryable || attempt >= 20) throw error
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 200 * attempt)))
    }
  }
}
