import type { FileRecord, RecordFormat } from './file-record.js'
import { errorText, type LineSource } from './read-lines.js'

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
 * items of a top-level array (`[{…},{…}]`, several arrays one after another are fine), in
 * `documents` mode each top-level value (one pretty-printed document, or several one after
 * another as evtx_dump writes them). The scanner tracks only nesting depth and strings; each value
 * is cut out and handed to `JSON.parse`, so memory stays at the size of the largest value.
 */
export async function* readJsonValues(
  chunks: AsyncIterable<Buffer>,
  source: LineSource,
  mode: 'array' | 'documents',
  maxValueBytes: number,
): AsyncGenerator<FileRecord[]> {
  const format: RecordFormat = mode === 'array' ? 'json-array' : 'json-document'
  const valueDepth = mode === 'array' ? 1 : 0
  let depth = 0
  let inString = false
  let escaped = false
  /** True while a scalar (number, literal) at value depth is being read. */
  let inScalar = false
  let parts: Buffer[] = []
  let partsBytes = 0
  let valueStart = -1
  let valueLine = 0
  let line = 1
  let count = 0
  let oversized = false

  const finish = (chunk: Buffer, end: number, batch: FileRecord[]): void => {
    count += 1
    const origin = { file: source.file, entry: source.entry, record: count, line: valueLine }
    if (oversized) {
      batch.push({
        kind: 'problem',
        skipped: false,
        message: `value longer than ${maxValueBytes} bytes; skipped`,
        ...origin,
      })
    } else {
      const piece = chunk.subarray(valueStart, end)
      const text =
        parts.length === 0 ? piece.toString('utf8') : Buffer.concat([...parts, piece]).toString('utf8')
      batch.push(toRecord(text, format, origin))
    }
    parts = []
    partsBytes = 0
    valueStart = -1
    oversized = false
  }

  for await (const chunk of chunks) {
    const batch: FileRecord[] = []
    if (valueStart === -2) valueStart = 0
    const length = chunk.length
    let i = 0
    while (i < length) {
      if (inString) {
        if (escaped) {
          escaped = false
          i += 1
          continue
        }
        const quote = chunk.indexOf(QUOTE, i)
        const backslash = chunk.indexOf(BACKSLASH, i)
        if (backslash !== -1 && (quote === -1 || backslash < quote)) {
          i = backslash + 1
          escaped = true
          continue
        }
        if (quote === -1) {
          i = length
          continue
        }
        i = quote + 1
        inString = false
        if (depth === valueDepth && valueStart !== -1) finish(chunk, i, batch)
        continue
      }
      const byte = chunk[i]!
      if (inScalar) {
        if (byte <= 32 || byte === COMMA || byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
          inScalar = false
          finish(chunk, i, batch)
          continue
        }
        i += 1
        continue
      }
      if (byte === NEWLINE) {
        line += 1
      } else if (byte === QUOTE) {
        if (depth === valueDepth) startValue(i)
        inString = true
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        if (depth === valueDepth) startValue(i)
        depth += 1
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        if (depth > 0) depth -= 1
        if (depth === valueDepth && valueStart !== -1) finish(chunk, i + 1, batch)
      } else if (byte > 32 && byte !== COMMA && depth === valueDepth) {
        startValue(i)
        inScalar = true
      }
      i += 1
    }
    if (valueStart !== -1) {
      if (!oversized) {
        parts.push(valueStart === 0 ? chunk : chunk.subarray(valueStart))
        partsBytes += length - valueStart
        if (partsBytes > maxValueBytes) {
          oversized = true
          parts = []
        }
      }
      // The value goes on in the next chunk, from its first byte.
      valueStart = -2
    }
    if (batch.length > 0) yield batch
  }
  if (valueStart !== -1 && (partsBytes > 0 || oversized)) {
    const batch: FileRecord[] = []
    count += 1
    const origin = { file: source.file, entry: source.entry, record: count, line: valueLine }
    const text = Buffer.concat(parts).toString('utf8')
    if (inScalar && !oversized) batch.push(toRecord(text, format, origin))
    else
      batch.push({
        kind: 'invalid-json',
        format,
        raw: text,
        error: 'unexpected end of the file inside a value',
        ...origin,
      })
    yield batch
  }

  function startValue(at: number): void {
    valueStart = at
    valueLine = line
  }
}

function toRecord(
  text: string,
  format: 'json-array' | 'json-document',
  origin: { file: string; entry?: string | undefined; record: number; line: number },
): FileRecord {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { kind: 'invalid-json', format, raw: text, error: errorText(error), ...origin }
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return { kind: 'object', format, raw: value as Record<string, unknown>, ...origin }
  }
  return { kind: 'invalid-json', format, raw: text, error: 'expected a JSON object', ...origin }
}
