import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { ByteReader } from './byte-reader.js'
import { detectFormat } from './detect-format.js'
import type { FileRecord } from './file-record.js'
import { errorText } from './read-lines.js'
import { ProgressCounter, type ProgressListener } from './read-progress.js'
import { readStream, type StreamContext } from './read-stream.js'
import { readZipFile } from './read-zip.js'
import { type FoundFile, findEventFiles, LOG_FILE_PATTERN } from './walk-paths.js'

export interface ReadEventFilesOptions {
  /** Called as bytes are consumed (about once per MiB read), for a progress bar. */
  onProgress?: ProgressListener | undefined
  /** A line or JSON value longer than this is skipped with a problem record (default 64 MiB). */
  maxRecordBytes?: number | undefined
  /** Which names are read when a directory is walked (default: the usual log extensions). */
  directoryPattern?: RegExp | undefined
}

const READ_CHUNK_BYTES = 1024 * 1024
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
  const files = await findEventFiles(paths, options.directoryPattern ?? LOG_FILE_PATTERN)
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
    // Settle on the file's size, whatever the decoders reported.
    progress.advance(file.size - (progress.bytesDone - before))
  }
}

/** The same records one at a time. */
export async function* readEventFiles(
  paths: readonly string[],
  options: ReadEventFilesOptions = {},
): AsyncGenerator<FileRecord> {
  for await (const batch of readEventFileBatches(paths, options)) yield* batch
}

async function* readFile(
  file: FoundFile,
  progress: ProgressCounter,
  context: StreamContext,
): AsyncGenerator<FileRecord[]> {
  const source = { file: file.path }
  const reader = new ByteReader(fileChunks(file.path, progress))
  try {
    // A zip is read with random access (its directory is at the end), not as a stream.
    if (detectFormat(await fileHead(file.path), file.path) === 'zip') {
      yield* readZipFile(file.path, source, context, (bytes) => progress.advance(bytes))
      return
    }
    yield* readStream(reader, source, file.path, context)
  } catch (error) {
    yield [{ kind: 'problem', skipped: false, message: errorText(error), file: file.path, record: 0 }]
  } finally {
    await reader.close()
  }
}

async function fileHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r')
  try {
    const head = Buffer.alloc(8)
    const { bytesRead } = await handle.read(head, 0, head.length, 0)
    return head.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

async function* fileChunks(file: string, progress: ProgressCounter): AsyncGenerator<Buffer> {
  const stream = createReadStream(file, { highWaterMark: READ_CHUNK_BYTES })
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      progress.advance(chunk.length)
      yield chunk
    }
  } finally {
    stream.destroy()
  }
}
