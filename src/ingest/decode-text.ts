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
  return decodeLinesOfChunks([bytes])
}

/** `decodeLines` of the chunks joined, without joining them (see `forEachLineOfChunks`). */
export function decodeLinesOfChunks(chunks: readonly Buffer[]): string[] {
  const lines: string[] = []
  forEachLineOfChunks(chunks, (line) => lines.push(line.length === 0 ? '' : decodeText(line)))
  return lines
}

const EMPTY = Buffer.alloc(0)

/**
 * Calls `visit` with each line of the chunks joined (LF-separated, a trailing CR left out, the
 * last line too, empty or not): a view of its chunk, and a copy only for a line cut by a chunk's
 * end. A request body is read in the chunks it arrived in (see `BodyChunks`).
 */
export function forEachLineOfChunks(chunks: readonly Buffer[], visit: (line: Buffer) => void): void {
  let carried: Buffer[] = []
  const take = (bytes: Buffer) => {
    const end =
      bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length
    visit(end === bytes.length ? bytes : bytes.subarray(0, end))
  }
  for (const chunk of chunks) {
    let from = 0
    for (let end = chunk.indexOf(NEWLINE); end >= 0; end = chunk.indexOf(NEWLINE, from)) {
      const piece = chunk.subarray(from, end)
      if (carried.length === 0) take(piece)
      else {
        take(Buffer.concat([...carried, piece]))
        carried = []
      }
      from = end + 1
    }
    if (from < chunk.length) carried.push(chunk.subarray(from))
  }
  take(carried.length === 0 ? EMPTY : carried.length === 1 ? carried[0]! : Buffer.concat(carried))
}
