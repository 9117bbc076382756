const EMPTY = Buffer.alloc(0)

/**
 * Splits a syslog TCP stream into messages (RFC 6587): octet counting (`<length> <message>`)
 * when a frame starts with a digit, otherwise non-transparent framing ending at LF (or NUL).
 * The framer keeps what it cannot yet complete for the next chunk, up to `maxMessageBytes`.
 * Messages are views of the stream's bytes, decoded only when they are parsed.
 */
export class SyslogFramer {
  #buffer: Buffer = EMPTY
  /** Bytes still to drop of an oversized octet-counted frame (never buffered). */
  #skip = 0

  constructor(private readonly maxMessageBytes = 64 * 1024) {}

  /** Feeds a chunk; returns the complete messages and any framing errors found. */
  push(chunk: Buffer): { messages: Buffer[]; errors: string[] } {
    const messages: Buffer[] = []
    const errors: string[] = []
    if (this.#skip > 0) {
      const dropped = Math.min(this.#skip, chunk.length)
      this.#skip -= dropped
      chunk = chunk.subarray(dropped)
    }
    const pending = this.#buffer
    if (pending.length === 0) {
      this.#scan(chunk, messages, errors)
      return { messages, errors }
    }
    // The frame left over from the last chunk is completed with only the bytes it needs, and
    // the rest of the chunk is read in place: joining whole 64 KB chunks to a few hundred bytes
    // of leftover copied every byte received once more.
    const needed = this.#bytesToComplete(pending, chunk)
    if (needed === undefined || needed >= chunk.length) {
      this.#scan(Buffer.concat([pending, chunk]), messages, errors)
      return { messages, errors }
    }
    this.#scan(Buffer.concat([pending, chunk.subarray(0, needed)]), messages, errors)
    const rest = chunk.subarray(needed)
    this.#scan(this.#buffer.length === 0 ? rest : Buffer.concat([this.#buffer, rest]), messages, errors)
    return { messages, errors }
  }

  /**
   * How many bytes of `chunk` complete the frame that `pending` starts: up to its counted length,
   * or to the first LF or NUL. Undefined when that cannot be told yet (a length still arriving).
   */
  #bytesToComplete(pending: Buffer, chunk: Buffer): number | undefined {
    const first = pending[0]!
    if (first >= 0x30 && first <= 0x39) {
      const space = pending.indexOf(0x20)
      if (space < 0) return undefined
      if (space <= 10 && isDigits(pending, 0, space)) {
        const length = Number(pending.toString('latin1', 0, space))
        return Math.max(0, space + 1 + length - pending.length)
      }
    }
    const lineFeed = chunk.indexOf(0x0a)
    const head = lineFeed < 0 ? chunk : chunk.subarray(0, lineFeed)
    const nul = head.indexOf(0x00)
    if (nul >= 0) return nul + 1
    return lineFeed < 0 ? undefined : lineFeed + 1
  }

  /** Reads the frames of `buffer` into `messages`, keeping an incomplete last one for later. */
  #scan(buffer: Buffer, messages: Buffer[], errors: string[]): void {
    let offset = 0
    // Where the next NUL is (-1: none left, -2: not searched yet). NUL ends a frame too, but is
    // rare: searching for it once per message, to the end of the chunk, read each 64 KB chunk
    // about twenty times over.
    let nul = -2
    while (offset < buffer.length) {
      const first = buffer[offset]!
      if (first === 0x0a || first === 0x0d || first === 0x00) {
        offset += 1
        continue
      }
      if (first >= 0x30 && first <= 0x39) {
        const space = buffer.indexOf(0x20, offset)
        const digits = space < 0 ? buffer.length - offset : space - offset
        if (space >= 0 && digits <= 10 && isDigits(buffer, offset, space)) {
          const length = Number(buffer.toString('latin1', offset, space))
          if (length > this.maxMessageBytes) {
            errors.push(
              `octet-counted frame of ${length} bytes exceeds the ${this.maxMessageBytes}-byte limit`,
            )
            // Skip the oversized frame's bytes so the stream stays in step, without holding them.
            if (space + 1 + length <= buffer.length) {
              offset = space + 1 + length
              continue
            }
            this.#skip = space + 1 + length - buffer.length
            offset = buffer.length
            break
          }
          if (space + 1 + length > buffer.length) break
          messages.push(buffer.subarray(space + 1, space + 1 + length))
          offset = space + 1 + length
          continue
        }
        if (space < 0 && digits <= 10) break // the length prefix is still arriving
      }
      let end = buffer.indexOf(0x0a, offset)
      if (nul === -2 || (nul >= 0 && nul < offset)) nul = buffer.indexOf(0x00, offset)
      if (nul >= 0 && (end < 0 || nul < end)) end = nul
      if (end < 0) {
        if (buffer.length - offset > this.maxMessageBytes) {
          errors.push(`a line longer than ${this.maxMessageBytes} bytes was cut`)
          messages.push(buffer.subarray(offset, offset + this.maxMessageBytes))
          offset = buffer.length
        }
        break
      }
      let stop = end
      if (stop > offset && buffer[stop - 1] === 0x0d) stop -= 1
      messages.push(buffer.subarray(offset, stop))
      offset = end + 1
    }
    this.#buffer = offset >= buffer.length ? EMPTY : buffer.subarray(offset)
  }

  /** What is left when the connection closes: a last line without its LF still counts. */
  flush(): Buffer[] {
    const rest = this.#buffer.toString('utf8').trim()
    this.#buffer = EMPTY
    return rest ? [Buffer.from(rest, 'utf8')] : []
  }
}

function isDigits(buffer: Buffer, from: number, to: number): boolean {
  for (let index = from; index < to; index++) {
    const byte = buffer[index]!
    if (byte < 0x30 || byte > 0x39) return false
  }
  return to > from
}
