import { errorText } from './error-text.js'
import type { FileRecord, StreamSource } from './file-record.js'

const NEWLINE = 10

/**
 * Splits a byte stream into lines and yields one batch of records per chunk. Each chunk is decoded
 * once up to its last newline (a newline byte never occurs inside a multi-byte UTF-8 character, so
 * the cut is safe) and split with `indexOf`; only a line that straddles two chunks is copied.
 * CR before LF is removed; blank lines are counted but not yielded. In `json` mode every line is
 * parsed: a line that fails comes back as `invalid-json` with the parser's message.
 */
export async function* readLines(
  chunks: AsyncIterable<Buffer>,
  source: StreamSource,
  mode: 'json' | 'text',
  maxLineBytes: number,
): AsyncGenerator<FileRecord[]> {
  const lines = new LineNumbering(source, mode)
  let carry: Buffer[] = []
  let carryBytes = 0
  let skippingLongLine = false
  for await (const chunk of chunks) {
    const firstNewline = chunk.indexOf(NEWLINE)
    if (firstNewline === -1) {
      if (skippingLongLine) continue
      carry.push(chunk)
      carryBytes += chunk.length
      if (carryBytes > maxLineBytes) {
        yield [lines.tooLong(maxLineBytes)]
        carry = []
        carryBytes = 0
        skippingLongLine = true
      }
      continue
    }
    const batch: FileRecord[] = []
    if (skippingLongLine) {
      skippingLongLine = false
    } else if (carryBytes > 0) {
      carry.push(chunk.subarray(0, firstNewline))
      lines.add(Buffer.concat(carry).toString('utf8'), batch)
    } else {
      lines.add(chunk.toString('utf8', 0, firstNewline), batch)
    }
    carry = []
    carryBytes = 0
    const lastNewline = chunk.lastIndexOf(NEWLINE)
    if (lastNewline > firstNewline) lines.addAll(chunk.toString('utf8', firstNewline + 1, lastNewline), batch)
    if (lastNewline + 1 < chunk.length) {
      carry.push(chunk.subarray(lastNewline + 1))
      carryBytes = chunk.length - lastNewline - 1
    }
    if (batch.length > 0) yield batch
  }
  if (carryBytes > 0 && !skippingLongLine) {
    const batch: FileRecord[] = []
    lines.add(Buffer.concat(carry).toString('utf8'), batch)
    if (batch.length > 0) yield batch
  }
}

/** Turns line texts into records, keeping the line count. */
class LineNumbering {
  private lineNumber = 0

  constructor(
    private readonly source: StreamSource,
    private readonly mode: 'json' | 'text',
  ) {}

  /** Several complete lines joined by LF (no trailing LF). */
  addAll(text: string, batch: FileRecord[]): void {
    let start = 0
    for (;;) {
      const end = text.indexOf('\n', start)
      if (end === -1) {
        this.add(text.slice(start), batch)
        return
      }
      this.add(text.slice(start, end), batch)
      start = end + 1
    }
  }

  add(line: string, batch: FileRecord[]): void {
    this.lineNumber += 1
    const last = line.length - 1
    const text = last >= 0 && line.charCodeAt(last) === 13 ? line.slice(0, last) : line
    if (isBlank(text)) return
    const origin = {
      file: this.source.file,
      entry: this.source.entry,
      record: this.lineNumber,
      line: this.lineNumber,
    }
    if (this.mode === 'text') {
      batch.push({ kind: 'text', format: 'text', raw: text, ...origin })
      return
    }
    try {
      batch.push({ kind: 'json', format: 'json-lines', raw: text, value: JSON.parse(text), ...origin })
    } catch (error) {
      batch.push({
        kind: 'invalid-json',
        format: 'json-lines',
        raw: text,
        error: errorText(error),
        ...origin,
      })
    }
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

function isBlank(text: string): boolean {
  if (text.length === 0) return true
  const first = text.charCodeAt(0)
  // Fast path: a line that starts with a visible character is not blank.
  if (first > 32) return false
  return text.trim().length === 0
}
