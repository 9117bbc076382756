import type { ByteReader } from '../byte-reader.js'
import { errorText } from '../error-text.js'
import type { FileRecord, StreamSource } from '../file-record.js'
import { ChunkBinXmlParser } from './binxml-parser.js'
import { renderRecordJson } from './render-json.js'

export const EVTX_FILE_SIGNATURE = Buffer.from('ElfFile\0', 'latin1')
const CHUNK_SIGNATURE = Buffer.from('ElfChnk\0', 'latin1')
const RECORD_SIGNATURE = 0x00002a2a
const CHUNK_SIZE = 65536
const CHUNK_HEADER_SIZE = 512
const RECORD_HEADER_SIZE = 24

/**
 * Windows event log files (EVTX): a 4 KiB file header, then 64 KiB chunks, each holding records
 * whose content is BinXML. Read chunk by chunk from the stream (so an EVTX inside a zip or gzip
 * works too); each record becomes evtx_dump-shaped JSON. A damaged record or chunk yields a
 * problem record and reading goes on with the next one.
 */
export async function* readEvtx(reader: ByteReader, source: StreamSource): AsyncGenerator<FileRecord[]> {
  let recordNumber = 0
  /** A problem with one record (`record` > 0) or with the file as a whole (0). */
  const problem = (message: string, record = 0): FileRecord => ({
    kind: 'problem',
    skipped: false,
    message,
    file: source.file,
    entry: source.entry,
    record,
  })
  const header = await reader.read(4096)
  if (header.length < 4096 || !header.subarray(0, 8).equals(EVTX_FILE_SIGNATURE)) {
    yield [problem('EVTX: file header missing or damaged')]
    return
  }
  const headerBlockSize = header.readUInt16LE(40)
  if (headerBlockSize > 4096) await reader.skip(headerBlockSize - 4096)
  for (let chunkIndex = 0; ; chunkIndex += 1) {
    const chunk = await reader.read(CHUNK_SIZE)
    if (chunk.length === 0) return
    if (chunk.length < CHUNK_SIZE) {
      yield [problem(`EVTX: chunk ${chunkIndex} is truncated (${chunk.length} of ${CHUNK_SIZE} bytes)`)]
      return
    }
    // Unused chunks at the end of a file are zero-filled.
    if (!chunk.subarray(0, 8).equals(CHUNK_SIGNATURE)) continue
    const batch: FileRecord[] = []
    for (const record of chunkRecords(chunk, chunkIndex)) {
      recordNumber += 1
      if ('error' in record) {
        batch.push(problem(record.error, recordNumber))
        continue
      }
      batch.push({
        kind: 'object',
        format: 'evtx',
        raw: record.event,
        file: source.file,
        entry: source.entry,
        record: recordNumber,
      })
    }
    if (batch.length > 0) yield batch
  }
}

type ChunkRecord = { event: Record<string, unknown> } | { error: string }

function* chunkRecords(chunk: Buffer, chunkIndex: number): Generator<ChunkRecord> {
  const freeSpaceOffset = chunk.readUInt32LE(48)
  const end =
    freeSpaceOffset > CHUNK_HEADER_SIZE && freeSpaceOffset <= CHUNK_SIZE ? freeSpaceOffset : CHUNK_SIZE
  const parser = new ChunkBinXmlParser(chunk)
  let offset = CHUNK_HEADER_SIZE
  while (offset + RECORD_HEADER_SIZE <= end) {
    if (chunk.readUInt32LE(offset) !== RECORD_SIGNATURE) {
      if (end !== CHUNK_SIZE) yield { error: `EVTX: chunk ${chunkIndex}: no record at offset ${offset}` }
      return
    }
    const size = chunk.readUInt32LE(offset + 4)
    if (size < RECORD_HEADER_SIZE + 4 || offset + size > CHUNK_SIZE) {
      yield { error: `EVTX: chunk ${chunkIndex}: record at offset ${offset} has a bad size ${size}` }
      return
    }
    const recordId = chunk.readBigUInt64LE(offset + 8)
    try {
      const nodes = parser.parseRecord(offset + RECORD_HEADER_SIZE, offset + size - 4)
      yield { event: renderRecordJson(nodes) }
    } catch (error) {
      yield { error: `EVTX: record ${recordId} (chunk ${chunkIndex}): ${errorText(error)}` }
    }
    offset += size
  }
}
