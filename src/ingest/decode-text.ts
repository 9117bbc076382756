import { isAscii, isUtf8 } from 'node:buffer'
import { utf8Text } from '../core/utf8-text.js'

/** Bytes received (a request body, a syslog message) as text (see `utf8Text`). */
export function decodeText(bytes: Buffer, start = 0, end = bytes.length): string {
  return utf8Text(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end))
}

/**
 * A record's bytes as the ingest path keeps them until they are parsed: the bytes themselves when
 * they are valid UTF-8 (see `StoredEvent.originalBytes`), else their text with U+FFFD in place of
 * the invalid bytes, as a decode always gave.
 */
export function recordText(bytes: Buffer): Buffer | string {
  return isAscii(bytes) || isUtf8(bytes) ? bytes : decodeText(bytes)
}

const NEWLINE = 0x0a
const CARRIAGE_RETURN = 0x0d

/**
 * `decodeText(bytes).split('\n')` with each line's trailing `\r` removed, but each line decoded on
 * its own: a body of megabytes decoded whole is a large-object string (fresh zeroed pages from the
 * kernel for every request) that every line, a slice of it, keeps alive until its batch commits.
 * A newline byte never occurs inside a multi-byte UTF-8 character, so cutting the bytes at
 * newlines cuts the text at the same places.
 */
export function decodeLines(bytes: Buffer): string[] {
  const lines: string[] = []
  forEachLine(bytes, (start, stop) => lines.push(stop === start ? '' : decodeText(bytes, start, stop)))
  return lines
}

/** Calls `visit` with the byte range of each line (LF-separated, a trailing CR left out). */
export function forEachLine(bytes: Buffer, visit: (start: number, stop: number) => void): void {
  let from = 0
  while (from <= bytes.length) {
    let end = bytes.indexOf(NEWLINE, from)
    if (end < 0) end = bytes.length
    visit(from, end > from && bytes[end - 1] === CARRIAGE_RETURN ? end - 1 : end)
    from = end + 1
  }
}
