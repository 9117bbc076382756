import { errorText } from './error-text.js'
import type { FileRecord, StreamSource } from './file-record.js'

const QUOTE = 0x22
const BACKSLASH = 0x5c
const NEWLINE = 0x0a
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const COMMA = 0x2c

/**
 * Streams JSON values out of a byte stream without holding the whole file: in `array` mode the
 * items of a top-level array (`[{…},{…}]`; several arrays one after another are fine), in
 * `documents` mode each top-level value (one pretty-printed document, or several one after
 * another as evtx_dump writes them). The scanner tracks only nesting depth and strings (jumping
 * through strings with `indexOf`); each value is cut out and handed to `JSON.parse`, so memory
 * stays at the size of the largest value.
 */
export async function* readJsonValues(
  chunks: AsyncIterable<Buffer>,
  source: StreamSource,
  mode: 'array' | 'documents',
  maxValueBytes: number,
): AsyncGenerator<FileRecord[]> {
  const scanner = new JsonValueScanner(source, mode, maxValueBytes)
  for await (const chunk of chunks) {
    const batch = scanner.scan(chunk)
    if (batch.length > 0) yield batch
  }
  const last = scanner.end()
  if (last !== undefined) yield [last]
}

class JsonValueScanner {
  private readonly format: 'json-array' | 'json-document'
  /** Nesting depth at which values start: 1 inside the top-level array, 0 for documents. */
  private readonly valueDepth: number
  private depth = 0
  private inString = false
  private escaped = false
  /** A number or literal at value depth is being read. */
  private inScalar = false
  /** A value has started and not ended yet. */
  private inValue = false
  /** The bytes of the current value from earlier chunks. */
  private parts: Buffer[] = []
  private partsBytes = 0
  private oversized = false
  private valueLine = 0
  private line = 1
  private count = 0

  constructor(
    private readonly source: StreamSource,
    mode: 'array' | 'documents',
    private readonly maxValueBytes: number,
  ) {
    this.format = mode === 'array' ? 'json-array' : 'json-document'
    this.valueDepth = mode === 'array' ? 1 : 0
  }

  scan(chunk: Buffer): FileRecord[] {
    const batch: FileRecord[] = []
    const length = chunk.length
    /** Where the current value starts in this chunk (0 when it began in an earlier one). */
    let start = 0
    let i = 0
    while (i < length) {
      if (this.inString) {
        i = this.skipString(chunk, i)
        if (!this.inString && this.inValue && this.depth === this.valueDepth) {
          batch.push(this.finish(chunk, start, i))
        }
        continue
      }
      const byte = chunk[i]!
      if (this.inScalar) {
        if (byte <= 32 || byte === COMMA || byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
          this.inScalar = false
          batch.push(this.finish(chunk, start, i))
          continue
        }
      } else if (byte === NEWLINE) {
        this.line += 1
      } else if (byte === QUOTE) {
        if (this.depth === this.valueDepth) start = this.begin(i)
        this.inString = true
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        if (this.depth === this.valueDepth) start = this.begin(i)
        this.depth += 1
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        if (this.depth > 0) this.depth -= 1
        if (this.inValue && this.depth === this.valueDepth) batch.push(this.finish(chunk, start, i + 1))
      } else if (byte > 32 && byte !== COMMA && this.depth === this.valueDepth) {
        start = this.begin(i)
        this.inScalar = true
      }
      i += 1
    }
    if (this.inValue) this.keep(chunk.subarray(start))
    return batch
  }

  /** What is left when the stream ends: a value cut off by the end of the file. */
  end(): FileRecord | undefined {
    if (!this.inValue) return undefined
    const text = Buffer.concat(this.parts).toString('utf8')
    this.count += 1
    if (this.inScalar && !this.oversized) return this.record(text)
    return {
      kind: 'invalid-json',
      format: this.format,
      raw: text,
      error: 'unexpected end of the file inside a value',
      ...this.origin(),
    }
  }

  /** Steps through a string from `i`; returns where scanning goes on. */
  private skipString(chunk: Buffer, i: number): number {
    if (this.escaped) {
      this.escaped = false
      return i + 1
    }
    const quote = chunk.indexOf(QUOTE, i)
    const backslash = chunk.indexOf(BACKSLASH, i)
    if (backslash !== -1 && (quote === -1 || backslash < quote)) {
      this.escaped = true
      return backslash + 1
    }
    if (quote === -1) return chunk.length
    this.inString = false
    return quote + 1
  }

  private begin(at: number): number {
    this.inValue = true
    this.valueLine = this.line
    return at
  }

  private keep(piece: Buffer): void {
    if (this.oversized) return
    this.parts.push(piece)
    this.partsBytes += piece.length
    if (this.partsBytes > this.maxValueBytes) {
      this.oversized = true
      this.parts = []
    }
  }

  private finish(chunk: Buffer, start: number, end: number): FileRecord {
    this.count += 1
    let record: FileRecord
    if (this.oversized) {
      record = {
        kind: 'problem',
        skipped: false,
        message: `value longer than ${this.maxValueBytes} bytes; skipped`,
        ...this.origin(),
      }
    } else {
      const piece = chunk.subarray(start, end)
      const bytes = this.parts.length === 0 ? piece : Buffer.concat([...this.parts, piece])
      record = this.record(bytes.toString('utf8'))
    }
    this.inValue = false
    this.parts = []
    this.partsBytes = 0
    this.oversized = false
    return record
  }

  private origin(): { file: string; entry: string | undefined; record: number; line: number } {
    return { file: this.source.file, entry: this.source.entry, record: this.count, line: this.valueLine }
  }

  private record(text: string): FileRecord {
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (error) {
      return {
        kind: 'invalid-json',
        format: this.format,
        raw: text,
        error: errorText(error),
        ...this.origin(),
      }
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return { kind: 'object', format: this.format, raw: value as Record<string, unknown>, ...this.origin() }
    }
    return {
      kind: 'invalid-json',
      format: this.format,
      raw: text,
      error: 'expected a JSON object',
      ...this.origin(),
    }
  }
}
