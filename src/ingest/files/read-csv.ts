import { Readable } from 'node:stream'
import { parse } from 'csv-parse'
import { errorText } from './error-text.js'
import type { FileRecord, StreamSource } from './file-record.js'

interface CsvRow {
  record: Record<string, string>
  info: { lines: number; empty_lines: number }
}

/**
 * CSV (or TSV) with a header row: each row becomes an object keyed by the header. Rows with more
 * or fewer fields than the header are kept as they are; a malformed file (an unclosed quote) ends
 * with a problem record at the line where the parser stopped.
 */
export async function* readCsv(
  chunks: AsyncIterable<Buffer>,
  source: StreamSource,
  delimiter: ',' | '\t',
): AsyncGenerator<FileRecord[]> {
  const parser = Readable.from(chunks).pipe(
    parse({
      columns: true,
      bom: true,
      delimiter,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      trim: false,
    }),
  )
  let count = 0
  let batch: FileRecord[] = []
  // csv-parse tells the line a row ends on; a row starts after the previous one and any empty lines.
  let previousEnd = 1
  let previousEmpty = 0
  try {
    for await (const row of parser as AsyncIterable<CsvRow>) {
      count += 1
      const line = previousEnd + 1 + (row.info.empty_lines - previousEmpty)
      previousEnd = row.info.lines
      previousEmpty = row.info.empty_lines
      batch.push({
        kind: 'object',
        format: 'csv',
        raw: row.record,
        file: source.file,
        entry: source.entry,
        record: count,
        line,
      })
      if (batch.length >= 512) {
        yield batch
        batch = []
      }
    }
    if (batch.length > 0) yield batch
  } catch (error) {
    if (batch.length > 0) yield batch
    const line = (parser.info as { lines?: number } | undefined)?.lines
    yield [
      {
        kind: 'problem',
        skipped: false,
        message: `CSV: ${errorText(error)}`,
        file: source.file,
        entry: source.entry,
        record: count + 1,
        line,
      },
    ]
  } finally {
    parser.destroy()
  }
}
