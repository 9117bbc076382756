import { type FileHandle, open } from 'node:fs/promises'
import { ByteReader } from './byte-reader.js'
import { READ_CHUNK_BYTES } from './chunk-sizes.js'
import { detectFormat } from './detect-format.js'
import { errorText } from './error-text.js'
import type { FileRecord } from './file-record.js'
import { ProgressCounter, type ProgressListener } from './read-progress.js'
import { readStream, type StreamContext } from './read-stream.js'
import { readZipFile } from './read-zip.js'
import { type FoundFile, findEventFiles, LOG_FILE_PATTERN } from './walk-paths.js'

export interface ReadEventFilesOptions {
  /** Called as bytes are consumed (about once per 256 KiB read), for a progress bar. */
  onProgress?: ProgressListener | undefined
  /** A line or JSON value longer than this is skipped with a problem record (default 64 MiB). */
  maxRecordBytes?: number | undefined
  /** Which names are read when a directory is walked (default: the usual log extensions). */
  directoryPattern?: RegExp | undefined
}

const MIN_READ_CHUNK_BYTES = 64 * 1024
const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024

/**
 * Reads log records from files and directories (walked recursively): JSON lines, JSON arrays and
 * documents, CSV, plain text lines, EVTX, and any of these inside gzip, tar or zip. Records come
 * in file order, in batches (one per chunk read) so that the hot path pays per batch, not per
 * record. A path that does not exist throws a `UserError` before anything is read; a damaged file
 * or line yields a problem or invalid-json record and reading goes on.
 */
export async function* readEventFileBatches(
  paths: readonly string[],
  options: ReadEventFilesOptions = {},
): AsyncGenerator<FileRecord[]> {
  yield* readFoundFileBatches(
    await findEventFiles(paths, options.directoryPattern ?? LOG_FILE_PATTERN),
    options,
  )
}

/** The same, over files already found (`findEventFiles`): a caller that walked them need not walk again. */
export async function* readFoundFileBatches(
  files: readonly FoundFile[],
  options: Omit<ReadEventFilesOptions, 'directoryPattern'> = {},
): AsyncGenerator<FileRecord[]> {
  const progress = new ProgressCounter(
    files.reduce((sum, file) => sum + file.size, 0),
    options.onProgress,
  )
  const context: StreamContext = {
    maxRecordBytes: options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    depth: 0,
  }
  for (const file of files) {
    progress.startFile(file.path)
    const before = progress.bytesDone
    yield* readFile(file, progress, context)
    // Settle on the file's size, whatever the decoders reported (never backwards: a log being
    // written to can have grown since the walk).
    progress.advance(Math.max(0, file.size - (progress.bytesDone - before)))
  }
}

/**
 * Records from a stream that is not a file on disk (`watchfloor import -` reading standard
 * input), in any format; a zip is held in memory (up to 512 MiB) as its directory is at the end.
 * `name` stands for the file in record origins and decides CSV by its extension.
 */
export async function* readEventStream(
  stream: AsyncIterable<Buffer>,
  name = '-',
  options: Pick<ReadEventFilesOptions, 'maxRecordBytes'> = {},
): AsyncGenerator<FileRecord[]> {
  const reader = new ByteReader(stream)
  const context: StreamContext = {
    maxRecordBytes: options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    depth: 0,
  }
  try {
    yield* readStream(reader, { file: name }, name, context)
  } catch (error) {
    yield [{ kind: 'problem', skipped: false, message: errorText(error), file: name, record: 0 }]
  } finally {
    await reader.close()
  }
}

/**
 * The same records one at a time. Written as a plain iterator over the batches: an async
 * generator's `yield*` costs several promise turns per record, this one costs one.
 */
export function readEventFiles(
  paths: readonly string[],
  options: ReadEventFilesOptions = {},
): AsyncIterableIterator<FileRecord> {
  const batches = readEventFileBatches(paths, options)
  let batch: FileRecord[] = []
  let index = 0
  return {
    [Symbol.asyncIterator]() {
      return this
    },
    async next(): Promise<IteratorResult<FileRecord>> {
      while (index >= batch.length) {
        const next = await batches.next()
        if (next.done) return { done: true, value: undefined }
        batch = next.value
        index = 0
      }
      const value = batch[index]!
      index += 1
      return { done: false, value }
    },
    async return(): Promise<IteratorResult<FileRecord>> {
      batch = []
      await batches.return(undefined)
      return { done: true, value: undefined }
    },
  }
}

async function* readFile(
  file: FoundFile,
  progress: ProgressCounter,
  context: StreamContext,
): AsyncGenerator<FileRecord[]> {
  const source = { file: file.path }
  let handle: FileHandle | undefined
  let reader: ByteReader | undefined
  try {
    handle = await open(file.path, 'r')
    // A small file is read in one go into a buffer of its size; a large one in READ_CHUNK_BYTES pieces.
    const chunkSize = Math.max(MIN_READ_CHUNK_BYTES, Math.min(READ_CHUNK_BYTES, file.size + 1))
    const first = await readChunk(handle, chunkSize)
    // A zip is read with random access (its directory is at the end), not as a stream.
    if (detectFormat(first.subarray(0, 8), file.path) === 'zip') {
      await handle.close()
      handle = undefined
      yield* readZipFile(file.path, source, context, (bytes) => progress.advance(bytes))
      return
    }
    reader = new ByteReader(fileChunks(handle, first, chunkSize, progress))
    yield* readStream(reader, source, file.path, context)
  } catch (error) {
    yield [{ kind: 'problem', skipped: false, message: errorText(error), file: file.path, record: 0 }]
  } finally {
    await reader?.close()
    await handle?.close()
  }
}

async function readChunk(handle: FileHandle, size: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(size)
  const { bytesRead } = await handle.read(buffer, 0, size, null)
  return bytesRead < size ? buffer.subarray(0, bytesRead) : buffer
}

/**
 * The file's chunks, the first one already read; a short read means the end of the file. The
 * next chunk is read while the caller works on the current one.
 */
async function* fileChunks(
  handle: FileHandle,
  first: Buffer,
  chunkSize: number,
  progress: ProgressCounter,
): AsyncGenerator<Buffer> {
  let next: Promise<Buffer> | undefined
  try {
    let chunk = first
    while (chunk.length > 0) {
      next = chunk.length < chunkSize ? undefined : readChunk(handle, chunkSize)
      progress.advance(chunk.length)
      yield chunk
      if (next === undefined) return
      chunk = await next
      next = undefined
    }
  } finally {
    // Let a read still under way finish before the file is closed.
    await next?.catch(() => undefined)
  }
}
