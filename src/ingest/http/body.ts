import { gunzipSync, inflateSync } from 'node:zlib'
import { UserError } from '../../core/errors.js'
import { decodeText, forEachLineOfChunks, recordText } from '../decode-text.js'
import type { RecordFraming } from '../framing.js'
import type { RawRecord } from '../ingest.service.js'

/** Largest body after decompression: a small gzip must not inflate into gigabytes. */
export const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024

export function decodeBody(body: Buffer, contentEncoding: string | undefined): Buffer {
  const encoding = contentEncoding?.trim().toLowerCase()
  if (!encoding || encoding === 'identity') return body
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip')
      return gunzipSync(body, { maxOutputLength: MAX_DECOMPRESSED_BYTES })
    if (encoding === 'deflate') return inflateSync(body, { maxOutputLength: MAX_DECOMPRESSED_BYTES })
  } catch (error) {
    const tooBig = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
    throw new UserError(
      tooBig ? 'payload_too_large' : 'invalid_encoding',
      tooBig
        ? `body inflates beyond ${MAX_DECOMPRESSED_BYTES} bytes`
        : `body is not valid ${encoding}: ${(error as Error).message}`,
      {
        status: tooBig ? 413 : 400,
      },
    )
  }
  throw new UserError(
    'unsupported_encoding',
    `content-encoding ${encoding} is not supported (use gzip or deflate)`,
    { status: 415 },
  )
}

/**
 * Splits an HTTP body into records: a JSON array gives one record per element, anything else one
 * record per non-blank line (NDJSON, or plain text lines such as syslog). Lines that are not
 * valid JSON stay text: the source's parser decides what they are, and a dead letter keeps them
 * when nothing can read them.
 * Lines are kept as bytes until they are parsed (see `lineByteRecords`).
 */
export function splitRecords(body: Buffer): RawRecord[] {
  const start = firstNonSpace(body)
  // From the bracket: JSON.parse refuses a byte order mark before it.
  if (body[start] === OPEN_BRACKET) return splitArray(decodeText(body, start))
  return lineByteRecords(body)
}

/**
 * One record per non-blank line, as `lineRecords(decodeLines(body))` gives, but each line kept as
 * its bytes (a view into the body), decoded only when it is parsed: see `StoredEvent.originalBytes`.
 * A line that is not valid UTF-8 is decoded at once (its invalid bytes become U+FFFD), as before.
 */
export function lineByteRecords(body: Buffer): RawRecord[] {
  return lineByteRecordsOfChunks([body])
}

/** `lineByteRecords` of the chunks joined, without joining them (see `forEachLineOfChunks`). */
export function lineByteRecordsOfChunks(chunks: readonly Buffer[]): RawRecord[] {
  const records: RawRecord[] = []
  let line = 0
  forEachLineOfChunks(chunks, (bytes) => {
    line += 1
    if (!isBlank(bytes)) records.push({ raw: recordText(bytes), location: `line ${line}` })
  })
  return records
}

/** White space only, as `String.prototype.trim` sees it (bytes beyond ASCII are decoded to tell). */
function isBlank(bytes: Buffer): boolean {
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index]!
    if (byte >= 0x80) return decodeText(bytes).trim().length === 0
    if (byte !== 0x20 && (byte < 0x09 || byte > 0x0d)) return false
  }
  return true
}

/** One record per non-blank line, located by its line number, with the input's framing if any. */
export function lineRecords(lines: readonly string[], framing?: RecordFraming): RawRecord[] {
  const records: RawRecord[] = []
  lines.forEach((line, index) => {
    if (line.trim().length === 0) return
    const record: RawRecord = { raw: line, location: `line ${index + 1}` }
    if (framing) record.framing = framing
    records.push(record)
  })
  return records
}

/** A body that starts with `[` (a JSON text that starts so is an array): one record per element. */
function splitArray(text: string): RawRecord[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new UserError(
      'invalid_json',
      `the body starts like a JSON array but is not valid JSON: ${(error as Error).message}`,
    )
  }
  return (parsed as unknown[]).map((item, index) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? { raw: item as Record<string, unknown>, location: `item ${index}` }
      : { raw: JSON.stringify(item), location: `item ${index}` },
  )
}

export const OPEN_BRACKET = 0x5b
/** The UTF-8 byte order mark, EF BB BF, skipped before the first character like white space. */
const BOM = [0xef, 0xbb, 0xbf]

function isSpaceByte(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09
}

export function firstNonSpace(body: Buffer): number {
  let index = 0
  for (;;) {
    if (isSpaceByte(body[index])) index++
    else if (body[index] === BOM[0] && body[index + 1] === BOM[1] && body[index + 2] === BOM[2]) index += 3
    else return index
  }
}
