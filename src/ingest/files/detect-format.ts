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
  // `{`: one object per line, unless the file is one pretty-printed document (or several).
  const [firstLine, secondLine] = completeLines(head, start, 2)
  if (firstLine === undefined) return 'json-lines'
  if (parsesAsJson(firstLine)) return 'json-lines'
  // A damaged first line in a JSON-lines file: the next line decides.
  if (secondLine?.startsWith('{') && parsesAsJson(secondLine)) return 'json-lines'
  return 'json-documents'
}

/** Up to `count` non-blank lines that end inside `head` (a line cut off by the end of the head is left out). */
function completeLines(head: Buffer, start: number, count: number): string[] {
  const lines: string[] = []
  let from = start
  while (lines.length < count) {
    const end = head.indexOf(0x0a, from)
    if (end === -1) break
    const line = head.toString('utf8', from, end).trim()
    if (line.length > 0) lines.push(line)
    from = end + 1
  }
  return lines
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

function startsWith(head: Buffer, prefix: Buffer): boolean {
  return head.length >= prefix.length && head.subarray(0, prefix.length).equals(prefix)
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09
}
