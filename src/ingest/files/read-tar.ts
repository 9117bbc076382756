import type { ByteReader } from './byte-reader.js'

const BLOCK = 512

export interface TarMember {
  name: string
  size: number
  /** The member's bytes; read them (or not) before asking for the next member. */
  content: AsyncGenerator<Buffer>
}

/**
 * The regular files of a tar stream (ustar, with GNU long names and pax `path` records). Each
 * member's content is streamed from the archive; whatever the reader leaves unread is skipped.
 */
export async function* tarMembers(reader: ByteReader): AsyncGenerator<TarMember> {
  let longName: string | undefined
  for (;;) {
    const header = await reader.read(BLOCK)
    if (header.length < BLOCK || isZeroBlock(header)) return
    const size = octal(header, 124, 12)
    const type = String.fromCharCode(header[156]!)
    const padded = Math.ceil(size / BLOCK) * BLOCK
    if (type === 'L' || type === 'x') {
      const body = (await reader.read(padded)).subarray(0, size)
      longName = type === 'L' ? cString(body, 0, body.length) : (paxPath(body) ?? longName)
      continue
    }
    const prefix = cString(header, 345, 155)
    const shortName = cString(header, 0, 100)
    const name = longName ?? (prefix.length > 0 ? `${prefix}/${shortName}` : shortName)
    longName = undefined
    if (type !== '0' && type !== '\0' && type !== '7') {
      await reader.skip(padded)
      continue
    }
    let consumed = 0
    const content = (async function* () {
      for await (const piece of reader.take(size)) {
        consumed += piece.length
        yield piece
      }
    })()
    yield { name, size, content }
    // Skip what the consumer left unread, then the padding to the next block.
    await content.return(undefined)
    await reader.skip(padded - consumed)
  }
}

function octal(header: Buffer, offset: number, length: number): number {
  const text = cString(header, offset, length).trim()
  return text.length === 0 ? 0 : Number.parseInt(text, 8)
}

function cString(buffer: Buffer, offset: number, length: number): string {
  const end = buffer.indexOf(0, offset)
  return buffer.toString('utf8', offset, end === -1 || end > offset + length ? offset + length : end)
}

function isZeroBlock(block: Buffer): boolean {
  for (let index = 0; index < block.length; index += 1) if (block[index] !== 0) return false
  return true
}

function paxPath(body: Buffer): string | undefined {
  for (const line of body.toString('utf8').split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(line)
    if (match?.[1] !== undefined) return match[1]
  }
  return undefined
}
