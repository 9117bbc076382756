import { errorText } from './error-text.js'
import type { FileRecord, StreamSource } from './file-record.js'

const NEWLINE = 10
const CARRIAGE_RETURN = 13

/**
 * Splits a byte stream into lines and yields one batch of records per chunk. Lines are found with
 * `indexOf` on the bytes and each is decoded on its own: a line of plain ASCII then stays a
 * one-byte string, which `JSON.parse` reads markedly faster than a slice of a chunk decoded as a
 * whole (one non-ASCII character anywhere makes the whole chunk a two-byte string). Only a line
 * that straddles two chunks is copied. CR before LF is removed; blank lines are counted but not
 * yielded. In `json` mode every line is parsed: one that fails comes back as `invalid-json`.
 */
export async function* readLines(
  chunks: AsyncIterable<Buffer>,
  source: StreamSource,
  mode: 'json' | 'text',
  maxLineBytes: number,
): AsyncGenerator<FileRecord[]> {
  const lines = new LineRecords(source, mode)
  let carry: Buffer[] = []
  let carryBytes = 0
  let skippingLongLine = false
  for await (const chunk of chunks) {
    const batch: FileRecord[] = []
    let start = 0
    if (carryBytes > 0 || skippingLongLine) {
      const newline = chunk.indexOf(NEWLINE)
      if (newline === -1) {
        if (!skippingLongLine) {
          carry.push(chunk)
          carryBytes += chunk.length
          if (carryBytes > maxLineBytes) {
            yield [lines.tooLong(maxLineBytes)]
            carry = []
            carryBytes = 0
            skippingLongLine = true
          }
        }
        continue
      }
      if (skippingLongLine) {
        skippingLongLine = false
      } else {
        carry.push(chunk.subarray(0, newline))
        const joined = Buffer.concat(carry)
        lines.add(joined, 0, joined.length, batch)
      }
      carry = []
      carryBytes = 0
      start = newline + 1
    }
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start)
      if (newline === -1) break
      lines.add(chunk, start, newline, batch)
      start = newline + 1
    }
    if (start < chunk.length) {
      carry.push(start === 0 ? chunk : chunk.subarray(start))
      carryBytes = chunk.length - start
      if (carryBytes > maxLineBytes) {
        batch.push(lines.tooLong(maxLineBytes))
        carry = []
        carryBytes = 0
        skippingLongLine = true
      }
    }
    if (batch.length > 0) yield batch
  }
  if (carryBytes > 0) {
    const batch: FileRecord[] = []
    const joined = Buffer.concat(carry)
    lines.add(joined, 0, joined.length, batch)
    if (batch.length > 0) yield batch
  }
}

/** Turns lines (byte ranges) into records, keeping the line count. */
class LineRecords {
  private lineNumber = 0

  constructor(
    private readonly source: StreamSource,
    private readonly mode: 'json' | 'text',
  ) {}

  /** The line in `bytes[start, end)`, its LF already left out. */
  add(bytes: Buffer, start: number, end: number, batch: FileRecord[]): void {
    this.lineNumber += 1
    const stop = end > start && bytes[end - 1] === CARRIAGE_RETURN ? end - 1 : end
    if (isBlank(bytes, start, stop)) return
    const text = bytes.toString('utf8', start, stop)
    const { file, entry } = this.source
    const line = this.lineNumber
    if (this.mode === 'text') {
      batch.push({ kind: 'text', format: 'text', raw: text, file, entry, record: line, line })
      return
    }
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      batch.push({
        kind: 'invalid-json',
        format: 'json-lines',
        raw: text,
        error: errorText(error),
        file,
        entry,
        record: line,
        line,
      })
      return
    }
    batch.push({ kind: 'json', format: 'json-lines', raw: text, value, file, entry, record: line, line })
  }

  tooLong(maxLineBytes: number): FileRecord {
    this.lineNumber += 1
    return {
      kind: 'problem',
      skipped: false,
      message: `line longer than ${maxLineBytes} bytes; skipped`,
      file: this.source.file,
      entry: this.source.entry,
      record: this.lineNumber,
      line: this.lineNumber,
    }
  }
}

/** Only spaces, tabs, CR (or nothing) between `start` and `end`. */
function isBlank(bytes: Buffer, start: number, end: number): boolean {
  for (let index = start; index < end; index += 1) {
    const byte = bytes[index]!
    if (byte !== 0x20 && byte !== 0x09 && byte !== CARRIAGE_RETURN) return false
  }
  return true
}
