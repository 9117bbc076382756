import { gunzipSync, inflateSync } from 'node:zlib'
import { UserError } from '../../core/errors.js'
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
 */
export function splitRecords(text: string): RawRecord[] {
  const start = firstNonSpace(text)
  if (text[start] === '[') {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      throw new UserError(
        'invalid_json',
        `the body starts like a JSON array but is not valid JSON: ${(error as Error).message}`,
      )
    }
    if (Array.isArray(parsed)) {
      return parsed.map((item, index) =>
        item !== null && typeof item === 'object' && !Array.isArray(item)
          ? { raw: item as Record<string, unknown>, location: `item ${index}` }
          : { raw: JSON.stringify(item), location: `item ${index}` },
      )
    }
  }
  const records: RawRecord[] = []
  let lineNumber = 0
  let from = 0
  while (from <= text.length) {
    let end = text.indexOf('\n', from)
    if (end < 0) end = text.length
    lineNumber += 1
    let line = text.slice(from, end)
    if (line.endsWith('\r')) line = line.slice(0, -1)
    if (line.trim().length > 0) records.push({ raw: line, location: `line ${lineNumber}` })
    from = end + 1
  }
  return records
}

function firstNonSpace(text: string): number {
  let index = 0
  while (
    index < text.length &&
    (text[index] === ' ' ||
      text[index] === '\n' ||
      text[index] === '\r' ||
      text[index] === '\t' ||
      text[index] === '\uFEFF')
  )
    index++
  return index
}
