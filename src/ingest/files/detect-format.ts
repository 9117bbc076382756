import { EVTX_FILE_SIGNATURE } from './evtx/read-evtx.js'

/** How a byte stream is read, decided from its first bytes and, for CSV, its name. */
export type StreamFormat =
  | 'empty'
  | 'gzip'
  | 'zip'
  | 'tar'
  | 'evtx'
  | 'utf16le'
  | 'csv'
  | 'tsv'
  | 'json-lines'
  | 'json-array'
  | 'json-documents'
  | 'text'
  | 'binary'

/** How many leading bytes detection looks at. */
export const DETECT_BYTES = 64 * 1024

const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04])
const EMPTY_ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x05, 0x06])
const TAR_MAGIC = Buffer.from('ustar', 'latin1')

export function detectFormat(head: Buffer, name: string): StreamFormat {
  if (head.length === 0) return 'empty'
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip'
  if (startsWith(head, ZIP_SIGNATURE) || startsWith(head, EMPTY_ZIP_SIGNATURE)) return 'zip'
  if (startsWith(head, EVTX_FILE_SIGNATURE)) return 'evtx'
  if (head.length >= 262 && head.subarray(257, 262).equals(TAR_MAGIC)) return 'tar'
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf16le'
  if (head.subarray(0, 8192).includes(0)) return 'binary'
  const lower = name.toLowerCase()
  if (lower.endsWith('.csv')) return 'csv'
  if (lower.endsWith('.tsv')) return 'tsv'
  return detectTextFormat(head)
}

function detectTextFormat(head: Buffer): StreamFormat {
  let start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0
  while (start < head.length && isSpace(head[start]!)) start += 1
  const first = head[start]
  if (first === 0x5b) return 'json-array'
  if (first !== 0x7b) return 'text'
  // `{`: one object per line, unless the first line is only the start of a pretty-printed document.
  const lineEnd = head.indexOf(0x0a, start)
  if (lineEnd === -1) return 'json-lines'
  const firstLine = head.toString('utf8', start, lineEnd).trim()
  if (firstLine.endsWith('}')) return 'json-lines'
  let next = lineEnd + 1
  while (next < head.length && isSpace(head[next]!)) next += 1
  return next < head.length && head[next] === 0x7b ? 'json-lines' : 'json-documents'
}

function startsWith(head: Buffer, prefix: Buffer): boolean {
  return head.length >= prefix.length && head.subarray(0, prefix.length).equals(prefix)
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09
}
