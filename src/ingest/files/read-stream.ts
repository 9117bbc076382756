import { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { ByteReader } from './byte-reader.js'
import { INFLATE_CHUNK_BYTES } from './chunk-sizes.js'
import { DETECT_BYTES, detectFormat } from './detect-format.js'
import { errorText } from './error-text.js'
import { readEvtx } from './evtx/read-evtx.js'
import type { FileRecord, StreamSource } from './file-record.js'
import { readCsv } from './read-csv.js'
import { readJsonValues } from './read-json-values.js'
import { readLines } from './read-lines.js'
import { tarMembers } from './read-tar.js'
import { readZipBuffer } from './read-zip.js'

export interface StreamContext {
  maxRecordBytes: number
  /** Archives inside archives are read up to this depth. */
  depth: number
}

/** Most archives nest once or twice (a zip of gzipped logs); deeper nesting is treated as hostile. */
const MAX_DEPTH = 4
/** A zip inside another archive has to be held in memory (its directory is at the end). */
const MAX_NESTED_ZIP_BYTES = 512 * 1024 * 1024

/**
 * Reads one byte stream, whatever it holds: detects the format from the first bytes, unpacks
 * gzip, tar and zip (recursively, each member read the same way) and yields batches of records.
 * Problems that end a stream (a truncated gzip) become a problem record; reading goes on.
 */
export async function* readStream(
  reader: ByteReader,
  source: StreamSource,
  name: string,
  context: StreamContext,
): AsyncGenerator<FileRecord[]> {
  const head = await reader.peek(DETECT_BYTES)
  const format = detectFormat(head, name)
  // A UTF-8 byte order mark is not part of the first record (JSON.parse rejects it).
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) await reader.skip(3)
  const problem = (message: string, skipped: boolean): FileRecord[] => [
    { kind: 'problem', skipped, message, file: source.file, entry: source.entry, record: 0 },
  ]
  const limit = context.maxRecordBytes
  switch (format) {
    case 'empty':
      return
    case 'json-lines':
      yield* readLines(reader.chunks(), source, 'json', limit)
      return
    case 'text':
      yield* readLines(reader.chunks(), source, 'text', limit)
      return
    case 'json-array':
      yield* readJsonValues(reader.chunks(), source, 'array', limit)
      return
    case 'json-documents':
      yield* readJsonValues(reader.chunks(), source, 'documents', limit)
      return
    case 'csv':
    case 'tsv':
      yield* readCsv(reader.chunks(), source, format === 'csv' ? ',' : '\t')
      return
    case 'evtx':
      yield* readEvtx(reader, source)
      return
    case 'binary':
      yield problem('binary content (not a log format this reader knows); skipped', true)
      return
  }
  if (context.depth >= MAX_DEPTH) {
    yield problem(`archives nested deeper than ${MAX_DEPTH}; skipped`, true)
    return
  }
  const inner: StreamContext = { ...context, depth: context.depth + 1 }
  switch (format) {
    case 'gzip': {
      const unpacked = new ByteReader(
        Readable.from(reader.chunks()).pipe(createGunzip({ chunkSize: INFLATE_CHUNK_BYTES })),
      )
      try {
        yield* readStream(
          unpacked,
          source,
          name.replace(/\.(gz|tgz)$/i, (ext) => (ext === '.tgz' ? '.tar' : '')),
          inner,
        )
      } catch (error) {
        yield problem(`gzip: ${errorText(error)}`, false)
      } finally {
        await unpacked.close()
      }
      return
    }
    case 'utf16le': {
      const decoded = new ByteReader(utf16ToUtf8(reader.chunks()))
      yield* readStream(decoded, source, name, inner)
      return
    }
    case 'tar':
      try {
        for await (const member of tarMembers(reader)) {
          const memberReader = new ByteReader(member.content)
          yield* readStream(
            memberReader,
            { file: source.file, entry: joinEntry(source.entry, member.name) },
            member.name,
            inner,
          )
        }
      } catch (error) {
        yield problem(`tar: ${errorText(error)}`, false)
      }
      return
    case 'zip': {
      const bytes = await reader.read(MAX_NESTED_ZIP_BYTES + 1)
      if (bytes.length > MAX_NESTED_ZIP_BYTES) {
        yield problem(`a zip inside an archive larger than ${MAX_NESTED_ZIP_BYTES} bytes; skipped`, true)
        return
      }
      yield* readZipBuffer(bytes, source, inner)
      return
    }
  }
}

export function joinEntry(outer: string | undefined, inner: string): string {
  return outer === undefined ? inner : `${outer}/${inner}`
}

async function* utf16ToUtf8(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const decoder = new TextDecoder('utf-16le', { ignoreBOM: false })
  for await (const chunk of chunks) yield Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8')
  const rest = decoder.decode()
  if (rest.length > 0) yield Buffer.from(rest, 'utf8')
}
