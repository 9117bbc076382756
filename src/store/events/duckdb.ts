import {
  BIGINT,
  type DuckDBConnection,
  DuckDBDataChunk,
  INTEGER,
  TIMESTAMPTZ,
  VARCHAR,
} from '@duckdb/node-api'
import type { Kysely } from 'kysely'
import { type StoredEvent, storedOriginalText } from '../../core/event.js'
import { writeInt32Column, writeInt64Column, writeVarCharColumn } from '../duckdb/chunk-columns.js'
import { duckdbBindings } from '../duckdb/duckdb-bindings.js'
import type { DuckDBDriver } from '../duckdb/duckdb-dialect.js'
import type { Database } from '../schema.js'
import { countEvents, parseEventRows } from './common.js'
import type { EventStore, OriginalColumns } from './event-store.js'
import type { OriginalRef, OriginalsJournal } from './originals-journal.js'

/** Column order of the events table, as the appender writes it. */
const COLUMN_TYPES = [
  BIGINT,
  TIMESTAMPTZ,
  TIMESTAMPTZ,
  ...Array<typeof VARCHAR>(11).fill(VARCHAR),
  INTEGER,
  BIGINT,
  INTEGER,
  INTEGER,
]
const ORIGINAL_COLUMN = 12
/** original_segment, original_block, original_offset, original_length (migration 022). */
const REF_COLUMN = 14
const CHUNK_ROWS = 2048

/** A TIMESTAMPTZ is stored in microseconds since 1970: milliseconds, scaled by the column writer. */
const MICROS_PER_MS = 1000

/** Appends in progress at once: one preparing its transaction while the one before commits. */
const CONCURRENT_APPENDS = 2

/**
 * Events go in through DuckDB's columnar appender (`appendDataChunk`), about twice as fast as
 * the row appender and far faster than INSERT. The appender does not apply column defaults, so
 * sequence numbers come from a counter owned by this process: a DuckDB file has one writer.
 *
 * Appends use connections of their own, not Kysely's (so API and detection queries are not held
 * up by a commit), and overlap: while one append's COMMIT runs (in DuckDB, off the main thread),
 * the next fills its transaction. COMMITs are issued in the order the appends were called, so
 * sequence numbers become visible in order. Measured in-process on 367,000 OTRF events in
 * batches of 4,000: 54,000–59,000 → 85,000–103,000 events/s.
 */
export function duckdbEventStore(
  db: Kysely<Database>,
  driver: DuckDBDriver,
  /** Where originals go (a store with a data folder); without one they go in the `original` column. */
  journal?: OriginalsJournal,
): EventStore {
  let nextSeq: Promise<number> | undefined
  /** Resolves when the latest append and all before it have committed or failed. */
  let lastCommit: Promise<void> = Promise.resolve()
  const idle: DuckDBConnection[] = []

  /**
   * The first of `count` sequence numbers not yet handed out, reserved at once (the counter
   * starts from max(seq); a failed read is tried again by the next append).
   */
  function reserveSeqs(count: number): Promise<number> {
    const first =
      nextSeq ??
      driver
        .runExclusive((connection) => connection.runAndReadAll('SELECT coalesce(max(seq), 0) FROM events'))
        .then((reader) => Number(reader.getRows()[0]?.[0] ?? 0) + 1)
    nextSeq = first.then((value) => value + count)
    nextSeq.catch(() => {
      nextSeq = undefined
    })
    return first
  }

  async function appendBatch(events: readonly StoredEvent[]): Promise<number[]> {
    // Sequence numbers and the place in the commit order are taken before any await: in call order.
    const seqs = reserveSeqs(events.length)
    const previousCommit = lastCommit
    let settled!: () => void
    const own = new Promise<void>((resolve) => {
      settled = resolve
    })
    // The next append commits after this one and every one before it have committed or failed.
    lastCommit = Promise.all([previousCommit, own]).then(() => {})
    // The originals are compressed and written (in the thread pool) while this append waits its turn.
    const placed = journal?.write(events, own)
    placed?.catch(() => {})
    let connection: DuckDBConnection | undefined
    try {
      const firstSeq = await seqs
      const refs = await placed
      connection = idle.pop() ?? (await driver.connectWriter())
      await connection.run('BEGIN TRANSACTION')
      try {
        const appender = await connection.createAppender('events')
        for (let start = 0; start < events.length; start += CHUNK_ROWS) {
          appender.appendDataChunk(
            buildChunk(events, start, Math.min(events.length, start + CHUNK_ROWS), firstSeq, refs),
          )
        }
        appender.flushSync()
        appender.closeSync()
        await previousCommit
        await connection.run('COMMIT')
      } catch (error) {
        // Its sequence numbers stay unused: a later append may already hold the next ones.
        await connection.run('ROLLBACK').catch(() => {})
        throw error
      }
      return events.map((_, index) => firstSeq + index)
    } finally {
      settled()
      if (connection) idle.push(connection)
    }
  }

  return {
    append: (events) => (events.length === 0 ? Promise.resolve([]) : appendBatch(events)),
    concurrentAppends: CONCURRENT_APPENDS,
    readAfter: (afterSeq, limit, options = {}) =>
      readDuckDBEventsAfter(db, afterSeq, limit, options.parse ?? true, journal),
    loadOriginals: (rows) => loadOriginals(rows, journal),
    async deleteOlderThan(cutoff) {
      const result = await db.deleteFrom('events').where('event_time', '<', cutoff).executeTakeFirst()
      if (journal !== undefined) {
        const kept = await db
          .selectFrom('events')
          .select('original_segment')
          .distinct()
          .where('original_segment', 'is not', null)
          .execute()
        await journal.dropSegmentsExcept(new Set(kept.map((row) => Number(row.original_segment))))
      }
      return Number(result.numDeletedRows)
    },
    async prepareDays() {},
    count: () => countEvents(db),
  }
}

/**
 * `WHERE seq > ? ORDER BY seq LIMIT ?` alone made DuckDB read every row after the cursor, its
 * original decompressed, before keeping the first `limit`: a page of 1,000 OTRF events 199,000
 * behind the end took 141-188 ms after a checkpoint, so a detection role that fell behind read
 * ever more slowly. The page's last seq is found first from the seq column alone (3 ms), then the
 * page is read as a range, which the row groups' min/max bound. Appends become visible in seq
 * order, so no row can appear inside the range between the two queries: it holds at most
 * `limit` rows. The range is not sorted by DuckDB, whose sort copies every column of every row
 * (2,000 rows: 43-58 ms sorted, 24-38 unsorted): a scan returns rows in the order they were
 * appended, which is seq order; they are sorted here only if they are not.
 */
async function readDuckDBEventsAfter(
  db: Kysely<Database>,
  afterSeq: number,
  limit: number,
  parse: boolean,
  journal: OriginalsJournal | undefined,
) {
  const last = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('events')
        .select('seq')
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .as('page'),
    )
    .select((eb) => eb.fn.max('seq').as('last'))
    .executeTakeFirst()
  if (last?.last === null || last?.last === undefined) return []
  const rows = await db
    .selectFrom('events')
    .selectAll()
    .where('seq', '>', afterSeq)
    .where('seq', '<=', Number(last.last))
    .execute()
  if (!rows.every((row, index) => index === 0 || rows[index - 1]!.seq < row.seq))
    rows.sort((a, b) => a.seq - b.seq)
  await loadOriginals(rows, journal)
  return parse ? parseEventRows(rows) : rows
}

/** Fills in `original` (as text) of the rows whose original is in the journal. */
async function loadOriginals(
  rows: readonly OriginalColumns[],
  journal: OriginalsJournal | undefined,
): Promise<void> {
  const journaled = rows.filter((row) => row.original_segment !== null && row.original_segment !== undefined)
  if (journaled.length === 0) return
  if (journal === undefined)
    throw new Error('events refer to the originals journal, but this store has none (an in-memory database?)')
  const texts = await journal.read(
    journaled.map((row) => ({
      segment: Number(row.original_segment),
      block: Number(row.original_block),
      offset: Number(row.original_offset),
      length: Number(row.original_length),
    })),
  )
  journaled.forEach((row, index) => {
    // Text, as the column holds it: readers parse it (parseEventRows) or keep it as text.
    ;(row as { original: unknown }).original = texts[index]
  })
}

function buildChunk(
  events: readonly StoredEvent[],
  start: number,
  end: number,
  firstSeq: number,
  refs: readonly OriginalRef[] | undefined,
): DuckDBDataChunk {
  const size = end - start
  const chunk = DuckDBDataChunk.create(COLUMN_TYPES, size)
  const at = (row: number) => events[start + row]!
  writeInt64Column(chunk, 0, size, (row) => firstSeq + start + row)
  writeInt64Column(chunk, 1, size, (row) => at(row).timestamp.getTime(), MICROS_PER_MS)
  writeInt64Column(chunk, 2, size, (row) => at(row).receivedAt.getTime(), MICROS_PER_MS)
  writeVarCharColumn(chunk, 3, size, (row) => at(row).source)
  writeVarCharColumn(chunk, 4, size, (row) => at(row).dataset)
  writeVarCharColumn(chunk, 5, size, (row) => at(row).eventCode)
  writeVarCharColumn(chunk, 6, size, (row) => at(row).hostName)
  writeVarCharColumn(chunk, 7, size, (row) => at(row).userName)
  writeVarCharColumn(chunk, 8, size, (row) => at(row).sourceIp)
  writeVarCharColumn(chunk, 9, size, (row) => at(row).destinationIp)
  writeVarCharColumn(chunk, 10, size, (row) => at(row).processName)
  writeVarCharColumn(chunk, 11, size, (row) => at(row).processCommandLine)
  if (refs === undefined) writeOriginals(chunk, events, start, size)
  // The column is NOT NULL (DuckDB cannot drop that while the table has indexes): '' where the journal holds it.
  else writeVarCharColumn(chunk, ORIGINAL_COLUMN, size, () => '')
  writeVarCharColumn(chunk, 13, size, (row) => {
    const labels = at(row).labels
    return labels ? JSON.stringify(labels) : null
  })
  const ref = (row: number) => refs?.[start + row]
  writeInt32Column(chunk, REF_COLUMN, size, (row) => ref(row)?.segment)
  writeInt64Column(chunk, REF_COLUMN + 1, size, (row) => ref(row)?.block)
  writeInt32Column(chunk, REF_COLUMN + 2, size, (row) => ref(row)?.offset)
  writeInt32Column(chunk, REF_COLUMN + 3, size, (row) => ref(row)?.length)
  return chunk
}

/**
 * Originals go into the chunk as the UTF-8 bytes the event holds (a view of the bytes received,
 * valid UTF-8: see `StoredEvent.originalBytes`), copied once by DuckDB. Through the API's VARCHAR
 * vector each 3 KB original was decoded to a JS string, measured and encoded back to UTF-8 by the
 * binding, then copied: measured with 200,000 OTRF events appended in batches of 2,000, the main
 * thread's share of an append fell from 33–37 to 22 µs per event. A syslog original's header
 * (`originalBytesSuffix`) is joined to its payload in a scratch buffer, which DuckDB copies from.
 */
function writeOriginals(chunk: DuckDBDataChunk, events: readonly StoredEvent[], start: number, size: number) {
  const vector = duckdbBindings.data_chunk_get_vector(chunk.chunk, ORIGINAL_COLUMN)
  for (let row = 0; row < size; row++) {
    const event = events[start + row]!
    const bytes = event.originalBytes
    if (bytes === undefined) {
      duckdbBindings.vector_assign_string_element(vector, row, storedOriginalText(event))
    } else if (event.originalBytesSuffix === undefined) {
      duckdbBindings.vector_assign_string_element_len(vector, row, bytes)
    } else {
      duckdbBindings.vector_assign_string_element_len(vector, row, joined(bytes, event.originalBytesSuffix))
    }
  }
}

/** Grows to the longest syslog original joined so far, which the ingest limits bound. */
let scratch = Buffer.alloc(64 * 1024)

/** `bytes` then the ASCII `suffix`, in a buffer reused by the next call. */
function joined(bytes: Uint8Array, suffix: string): Uint8Array {
  const length = bytes.length + suffix.length
  if (length > scratch.length) scratch = Buffer.alloc(Math.max(length, scratch.length * 2))
  scratch.set(bytes, 0)
  scratch.write(suffix, bytes.length, 'latin1')
  return scratch.subarray(0, length)
}
