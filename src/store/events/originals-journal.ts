import { constants as fsConstants } from 'node:fs'
import { type FileHandle, mkdir, open, readdir, stat, unlink } from 'node:fs/promises'
import path from 'node:path'
import type { StoredEvent } from '../../core/event.js'
import { BlockCompressor } from './block-compressor.js'

/** Where one event's original is: a block of a segment file, and its bytes in the block once decompressed. */
export interface OriginalRef {
  segment: number
  /** File position of the block's header. */
  block: number
  offset: number
  length: number
}

export interface JournalOptions {
  /** A segment file is closed to writes once it holds this many bytes (retention deletes whole segments). */
  segmentBytes?: number
}

/** Raw bytes of originals per compressed block: big enough to compress well, small enough to read one event. */
const BLOCK_BYTES = 1 << 20
/** Room past BLOCK_BYTES in a raw block buffer: a block ends with the original that crosses BLOCK_BYTES. */
const BLOCK_SLACK = 64 << 10
const SEGMENT_BYTES = 64 << 20
/** Block header: magic, compressed length, raw length (little-endian u32). */
const HEADER_BYTES = 12
const MAGIC = 0x314a4657 // "WFJ1"
/** Decompressed blocks kept for the next read: a detection page reads the block the last one ended in. */
const CACHED_BLOCKS = 8
const SEGMENT_NAME = /^(\d{10})\.wfj$/
const NEWLINE = Buffer.from('\n')
/**
 * Largest block a header may describe: one original can make a block on its own, and ingest
 * accepts no body (so no record) larger than 256 MiB.
 */
const MAX_BLOCK_BYTES = 256 << 20

/**
 * The originals of the events of an embedded (DuckDB) store, outside the database: append-only
 * segment files of Brotli-compressed blocks, next to the database file. The events table keeps
 * the typed columns and each event's place here (`OriginalRef`).
 *
 * Why: DuckDB copies every appended string several times on its way to disk (the appender's
 * buffer, the transaction's local storage, the WAL's serialisation and write, then the checkpoint),
 * and the 3 KB originals were most of those bytes. Measured in one process on 200,000 OTRF events
 * in batches of 2,000 (append, commit, checkpoint): 48 µs of CPU per event with the originals in a
 * column, 12–13 µs with them here. Brotli at quality 1 costs 1.7 µs per event and runs in a
 * worker thread (BlockCompressor); Windows events compress 40–50 times over, as ZSTD did in DuckDB.
 *
 * Durability: a batch's blocks are written and `fdatasync`ed before its rows commit, so a
 * committed row never points at bytes that a crash could lose. Bytes written for a batch that
 * then failed, or that a crash cut short, are never referenced; later batches go after them.
 */
export class OriginalsJournal {
  #segment: number
  #end: number
  /** Open for writing: the current segment's, and older ones' until their last write is done. */
  readonly #writers = new Map<number, Promise<FileHandle>>()
  readonly #readers = new Map<number, Promise<FileHandle>>()
  /**
   * Writes in use per segment: being written, or written for rows not yet committed (`heldUntil`).
   * Such a segment is not deleted by retention, and its writer stays open.
   */
  readonly #writing = new Map<number, number>()
  readonly #cache = new Map<string, Promise<Buffer>>()
  readonly #segmentBytes: number
  readonly #compressor = new BlockCompressor(BLOCK_BYTES + BLOCK_SLACK)

  private constructor(
    private readonly dir: string,
    segment: number,
    end: number,
    options: JournalOptions,
  ) {
    this.#segment = segment
    this.#end = end
    this.#segmentBytes = options.segmentBytes ?? SEGMENT_BYTES
    this.#writers.set(segment, this.#openWriter(segment, end === 0))
  }

  /** Opens (creating it if needed) the journal in `dir`; writes continue at the end of its last segment. */
  static async open(dir: string, options: JournalOptions = {}): Promise<OriginalsJournal> {
    await mkdir(dir, { recursive: true })
    const segments = await listSegments(dir)
    const last = segments.at(-1)
    if (last === undefined) return new OriginalsJournal(dir, 1, 0, options)
    const size = (await stat(segmentPath(dir, last))).size
    // A full last segment is not opened for writing: the next one is.
    return size >= (options.segmentBytes ?? SEGMENT_BYTES)
      ? new OriginalsJournal(dir, last + 1, 0, options)
      : new OriginalsJournal(dir, last, size, options)
  }

  /**
   * Compresses and durably writes the originals of `events`; their places, in order. Until
   * `heldUntil` settles (the commit of the rows that will point here), retention leaves their
   * segment alone even though no committed row refers to it yet.
   */
  async write(events: readonly StoredEvent[], heldUntil?: Promise<unknown>): Promise<OriginalRef[]> {
    const { blocks, places } = packBlocks(events, this.#compressor)
    // Taken now: compress() hands each raw buffer over to the worker, which leaves it empty here.
    const rawLengths = blocks.map((raw) => raw.length)
    const compressed = await Promise.all(blocks.map((raw) => this.#compressor.compress(raw)))
    const buffers: Buffer[] = []
    const positions: number[] = []
    let size = 0
    compressed.forEach((block, index) => {
      const header = Buffer.alloc(HEADER_BYTES)
      header.writeUInt32LE(MAGIC, 0)
      header.writeUInt32LE(block.length, 4)
      header.writeUInt32LE(rawLengths[index]!, 8)
      positions.push(size)
      buffers.push(header, block)
      size += HEADER_BYTES + block.length
    })
    // The place is taken with no await between reading and moving the end, so no two writes
    // overlap (in the order their compression ends, which need not be the order of the calls).
    if (this.#end > 0 && this.#end + size > this.#segmentBytes) this.#rotate()
    const segment = this.#segment
    const start = this.#end
    this.#end += size
    const writer = this.#writers.get(segment)!
    this.#writing.set(segment, (this.#writing.get(segment) ?? 0) + 1)
    const written = writer.then(async (handle) => {
      await handle.writev(buffers, start)
      await handle.datasync()
    })
    void Promise.allSettled([written, heldUntil]).then(() => this.#release(segment))
    await written
    return places.map(({ block, offset, length }) => ({
      segment,
      block: start + positions[block]!,
      offset,
      length,
    }))
  }

  /** The originals at `refs`, as text, in order. */
  async read(refs: readonly OriginalRef[]): Promise<string[]> {
    const blocks = await Promise.all(refs.map((ref) => this.#block(ref.segment, ref.block)))
    return refs.map((ref, index) => {
      const block = blocks[index]!
      if (ref.offset + ref.length > block.length)
        throw new Error(
          `originals journal: segment ${ref.segment} block ${ref.block} is shorter than its events`,
        )
      return block.toString('utf8', ref.offset, ref.offset + ref.length)
    })
  }

  /** Deletes the segment files that no event refers to any more (after retention): how many went. */
  async dropSegmentsExcept(referenced: ReadonlySet<number>): Promise<number> {
    let dropped = 0
    for (const segment of await listSegments(this.dir)) {
      if (segment >= this.#segment || referenced.has(segment) || this.#writing.has(segment)) continue
      const reader = this.#readers.get(segment)
      this.#readers.delete(segment)
      await reader?.then((handle) => handle.close()).catch(() => {})
      for (const key of this.#cache.keys()) if (key.startsWith(`${segment}:`)) this.#cache.delete(key)
      await unlink(segmentPath(this.dir, segment))
      dropped++
    }
    return dropped
  }

  async close(): Promise<void> {
    const handles = [...this.#writers.values(), ...this.#readers.values()]
    this.#writers.clear()
    this.#readers.clear()
    this.#cache.clear()
    await this.#compressor.close()
    await Promise.all(handles.map((handle) => handle.then((opened) => opened.close()).catch(() => {})))
  }

  #rotate(): void {
    const previous = this.#segment
    this.#segment++
    this.#end = 0
    this.#writers.set(this.#segment, this.#openWriter(this.#segment, true))
    if (!this.#writing.has(previous)) this.#closeWriter(previous)
  }

  #release(segment: number): void {
    const left = this.#writing.get(segment)! - 1
    if (left > 0) this.#writing.set(segment, left)
    else {
      this.#writing.delete(segment)
      if (segment !== this.#segment) this.#closeWriter(segment)
    }
  }

  #closeWriter(segment: number): void {
    const writer = this.#writers.get(segment)
    this.#writers.delete(segment)
    void writer?.then((handle) => handle.close()).catch(() => {})
  }

  /** The writer of a segment; a failure to open it fails the writes that wait for it (and only them). */
  #openWriter(segment: number, created: boolean): Promise<FileHandle> {
    const opening = this.#openSegment(segment, created)
    opening.catch(() => {})
    return opening
  }

  async #openSegment(segment: number, created: boolean): Promise<FileHandle> {
    const handle = await open(segmentPath(this.dir, segment), fsConstants.O_CREAT | fsConstants.O_RDWR, 0o600)
    // A new file's directory entry is made durable too, or a crash could lose the whole file.
    if (created) await syncDirectory(this.dir)
    return handle
  }

  #block(segment: number, position: number): Promise<Buffer> {
    const key = `${segment}:${position}`
    let block = this.#cache.get(key)
    if (block === undefined) {
      block = this.#readBlock(segment, position)
      block.catch(() => this.#cache.delete(key))
      if (this.#cache.size >= CACHED_BLOCKS) this.#cache.delete(this.#cache.keys().next().value!)
      this.#cache.set(key, block)
    }
    return block
  }

  async #readBlock(segment: number, position: number): Promise<Buffer> {
    let reader = this.#readers.get(segment)
    if (reader === undefined) {
      reader = open(segmentPath(this.dir, segment), 'r')
      reader.catch(() => this.#readers.delete(segment))
      this.#readers.set(segment, reader)
    }
    const handle = await reader
    const header = Buffer.alloc(HEADER_BYTES)
    const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, position)
    if (bytesRead !== HEADER_BYTES || header.readUInt32LE(0) !== MAGIC)
      throw new Error(`originals journal: no block at ${position} of segment ${segment} (${this.dir})`)
    const compressedLength = header.readUInt32LE(4)
    const rawLength = header.readUInt32LE(8)
    // A damaged header must not make this allocate gigabytes.
    if (compressedLength > MAX_BLOCK_BYTES || rawLength > MAX_BLOCK_BYTES)
      throw new Error(
        `originals journal: the block at ${position} of segment ${segment} has a damaged header`,
      )
    const compressed = Buffer.alloc(compressedLength)
    const body = await handle.read(compressed, 0, compressed.length, position + HEADER_BYTES)
    if (body.bytesRead !== compressed.length)
      throw new Error(`originals journal: block at ${position} of segment ${segment} is cut short`)
    return this.#compressor.decompress(compressed, rawLength)
  }
}

/**
 * The originals as raw blocks of about BLOCK_BYTES, each original followed by a newline (so that a
 * decompressed block reads as JSON lines), and where each one is.
 */
function packBlocks(
  events: readonly StoredEvent[],
  compressor: BlockCompressor,
): {
  blocks: Buffer[]
  places: Array<{ block: number; offset: number; length: number }>
} {
  const blocks: Buffer[] = []
  const places: Array<{ block: number; offset: number; length: number }> = []
  let parts: Uint8Array[] = []
  let size = 0
  const finish = () => {
    const block = compressor.take(size)
    let at = 0
    for (const part of parts) {
      block.set(part, at)
      at += part.length
    }
    blocks.push(block)
    parts = []
    size = 0
  }
  for (const event of events) {
    const start = size
    for (const part of originalParts(event)) {
      parts.push(part)
      size += part.length
    }
    places.push({ block: blocks.length, offset: start, length: size - start })
    parts.push(NEWLINE)
    size += 1
    if (size >= BLOCK_BYTES) finish()
  }
  if (size > 0) finish()
  return { blocks, places }
}

/** The original's UTF-8 bytes, in one or two pieces (a syslog payload's bytes and its header). */
function originalParts(event: StoredEvent): Uint8Array[] {
  if (event.originalJson !== undefined) return [Buffer.from(event.originalJson)]
  if (event.originalBytes !== undefined)
    return event.originalBytesSuffix === undefined
      ? [event.originalBytes]
      : [event.originalBytes, Buffer.from(event.originalBytesSuffix, 'latin1')]
  return [Buffer.from(JSON.stringify(event.original))]
}

async function listSegments(dir: string): Promise<number[]> {
  const segments: number[] = []
  for (const name of await readdir(dir)) {
    const found = SEGMENT_NAME.exec(name)
    if (found) segments.push(Number(found[1]))
  }
  return segments.sort((a, b) => a - b)
}

function segmentPath(dir: string, segment: number): string {
  return path.join(dir, `${String(segment).padStart(10, '0')}.wfj`)
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
