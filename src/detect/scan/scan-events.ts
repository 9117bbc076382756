import { type FileRecord, recordLocation } from '../../ingest/files/file-record.js'

export interface ScanEvent {
  event: Record<string, unknown>
  /** `file:line` or `file!entry record n`. */
  where: string
}

export interface ScanReadStats {
  events: number
  /** Lines that were not JSON, damaged archive members, unreadable files: `where: reason`. */
  problems: string[]
}

/**
 * The events of log files for an offline scan: JSON objects (lines, arrays, documents), CSV rows
 * and EVTX records as they are; a plain text line becomes `{ message }` so keyword rules still see it.
 */
export async function* scanEvents(
  records: AsyncIterable<FileRecord[]>,
  stats: ScanReadStats,
): AsyncGenerator<ScanEvent[]> {
  for await (const batch of records) {
    const events: ScanEvent[] = []
    for (const record of batch) {
      const event = eventOf(record, stats)
      if (event !== undefined) events.push({ event, where: recordLocation(record) })
    }
    stats.events += events.length
    yield events
  }
}

function eventOf(record: FileRecord, stats: ScanReadStats): Record<string, unknown> | undefined {
  switch (record.kind) {
    case 'json':
      if (isObject(record.value)) return record.value
      stats.problems.push(`${recordLocation(record)}: not a JSON object`)
      return undefined
    case 'object':
      return record.raw
    case 'text':
      return { message: record.raw }
    case 'invalid-json':
      stats.problems.push(`${recordLocation(record)}: invalid JSON (${record.error})`)
      return undefined
    case 'problem':
      stats.problems.push(`${recordLocation(record)}: ${record.message}`)
      return undefined
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
