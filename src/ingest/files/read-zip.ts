import { type FileHandle, open } from 'node:fs/promises'
import { pipeline, Readable } from 'node:stream'
import { createInflateRaw } from 'node:zlib'
import yauzl from 'yauzl'
import { ByteReader } from './byte-reader.js'
import { INFLATE_CHUNK_BYTES } from './chunk-sizes.js'
import { errorText } from './error-text.js'
import type { FileRecord, StreamSource } from './file-record.js'
import { joinEntry, readStream, type StreamContext } from './read-stream.js'

const ZIP_OPTIONS = { lazyEntries: true, autoClose: false }
/** The end-of-central-directory record (22 bytes) plus the longest possible comment. */
const ZIP_TAIL_BYTES = 22 + 0xffff
const END_OF_DIRECTORY = Buffer.from([0x50, 0x4b, 0x05, 0x06])

/**
 * Reads byte ranges of one open file for yauzl; the caller closes the file. (An fs read stream
 * on a shared descriptor would close it when yauzl destroys the stream.)
 */
class FileRangeReader extends yauzl.RandomAccessReader {
  constructor(private readonly handle: FileHandle) {
    super()
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return Readable.from(readRange(this.handle, start, end), { objectMode: false })
  }
}

const RANGE_CHUNK_BYTES = 256 * 1024

async function* readRange(handle: FileHandle, start: number, end: number): AsyncGenerator<Buffer> {
  let position = start
  while (position < end) {
    const length = Math.min(RANGE_CHUNK_BYTES, end - position)
    const buffer = Buffer.allocUnsafe(length)
    const { bytesRead } = await handle.read(buffer, 0, length, position)
    if (bytesRead === 0) return
    position += bytesRead
    yield bytesRead < length ? buffer.subarray(0, bytesRead) : buffer
  }
}

/**
 * The zip's length up to the end of its directory record. Some archives (several OTRF datasets)
 * carry a stray byte after it, which `unzip` tolerates and yauzl rejects; reading only up to the
 * record's end accepts them.
 */
function zipLength(tail: Buffer, totalLength: number): number {
  const at = tail.lastIndexOf(END_OF_DIRECTORY)
  if (at === -1 || at + 22 > tail.length) return totalLength
  const end = totalLength - tail.length + at + 22 + tail.readUInt16LE(at + 20)
  return Math.min(end, totalLength)
}

async function zipLengthOfFile(handle: FileHandle): Promise<number> {
  const { size } = await handle.stat()
  const tailLength = Math.min(size, ZIP_TAIL_BYTES)
  const tail = Buffer.alloc(tailLength)
  await handle.read(tail, 0, tailLength, size - tailLength)
  return zipLength(tail, size)
}

/** Tells how many compressed bytes of the archive have been consumed. */
type CompressedBytes = (bytes: number) => void

/** A zip file on disk, read with random access (the directory is at the end). */
export async function* readZipFile(
  file: string,
  source: StreamSource,
  context: StreamContext,
  onCompressedBytes: CompressedBytes,
): AsyncGenerator<FileRecord[]> {
  let handle: FileHandle | undefined
  try {
    handle = await open(file, 'r')
    let zip: yauzl.ZipFile
    try {
      const length = await zipLengthOfFile(handle)
      zip = await yauzl.fromRandomAccessReaderPromise(new FileRangeReader(handle), length, ZIP_OPTIONS)
    } catch (error) {
      yield [zipProblem(source, `zip: ${errorText(error)}`)]
      return
    }
    yield* readZip(zip, source, context, onCompressedBytes)
  } finally {
    await handle?.close()
  }
}

/** A zip held in memory (a zip inside another archive). */
export async function* readZipBuffer(
  bytes: Buffer,
  source: StreamSource,
  context: StreamContext,
): AsyncGenerator<FileRecord[]> {
  let zip: yauzl.ZipFile
  try {
    const tail = bytes.subarray(Math.max(0, bytes.length - ZIP_TAIL_BYTES))
    const length = zipLength(tail, bytes.length)
    zip = await yauzl.fromBufferPromise(bytes.subarray(0, length), ZIP_OPTIONS)
  } catch (error) {
    yield [zipProblem(source, `zip: ${errorText(error)}`)]
    return
  }
  yield* readZip(zip, source, context, () => {})
}

async function* readZip(
  zip: yauzl.ZipFile,
  source: StreamSource,
  context: StreamContext,
  onCompressedBytes: CompressedBytes,
): AsyncGenerator<FileRecord[]> {
  try {
    for await (const entry of zip.eachEntry()) {
      // Directories, and the resource forks macOS adds to archives it makes.
      if (entry.fileName.endsWith('/') || entry.fileName.startsWith('__MACOSX/')) continue
      const entrySource = { file: source.file, entry: joinEntry(source.entry, entry.fileName) }
      if (entry.isEncrypted() || !entry.canDecodeFileData()) {
        yield [
          zipProblem(entrySource, 'zip entry is encrypted or uses an unsupported compression; skipped', true),
        ]
        onCompressedBytes(entry.compressedSize)
        continue
      }
      const ratio = entry.uncompressedSize > 0 ? entry.compressedSize / entry.uncompressedSize : 0
      let counted = 0
      let unpacked = 0
      const stream = await openEntry(zip, entry)
      const counting = async function* (): AsyncGenerator<Buffer> {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          const bytes = Math.min(Math.round(chunk.length * ratio), entry.compressedSize - counted)
          counted += bytes
          unpacked += chunk.length
          onCompressedBytes(bytes)
          yield chunk
        }
        if (unpacked !== entry.uncompressedSize) {
          throw new Error(`entry holds ${unpacked} bytes, its header says ${entry.uncompressedSize}`)
        }
      }
      const reader = new ByteReader(counting())
      try {
        yield* readStream(reader, entrySource, entry.fileName, context)
      } catch (error) {
        yield [zipProblem(entrySource, `zip: ${errorText(error)}`)]
      } finally {
        await reader.close()
        stream.destroy()
        onCompressedBytes(entry.compressedSize - counted)
      }
    }
  } catch (error) {
    yield [zipProblem(source, `zip: ${errorText(error)}`)]
  } finally {
    zip.close()
  }
}

const DEFLATE = 8

async function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  if (entry.compressionMethod !== DEFLATE) return zip.openReadStreamPromise(entry)
  const compressed = await zip.openReadStreamPromise(entry, { decompress: false })
  return pipeline(compressed, createInflateRaw({ chunkSize: INFLATE_CHUNK_BYTES }), () => {})
}

function zipProblem(source: StreamSource, message: string, skipped = false): FileRecord {
  return { kind: 'problem', skipped, message, file: source.file, entry: source.entry, record: 0 }
}
