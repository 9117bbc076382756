import {
  BIGINT,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBValue,
  TIMESTAMPTZ,
  timestampTZValue,
  VARCHAR,
} from '@duckdb/node-api'
import type { Kysely } from 'kysely'
import type { StoredEvent } from '../../core/event.js'
import type { DuckDBDriver } from '../duckdb/duckdb-dialect.js'
import type { Database } from '../schema.js'
import { countEvents, readEventsAfter } from './common.js'
import type { EventStore } from './event-store.js'

/** Column order of the events table, as the appender writes it. */
const COLUMN_TYPES = [BIGINT, TIMESTAMPTZ, TIMESTAMPTZ, ...Array<typeof VARCHAR>(11).fill(VARCHAR)]
const CHUNK_ROWS = 2048

function micros(date: Date): DuckDBValue {
  return timestampTZValue(BigInt(date.getTime()) * 1000n)
}

/**
 * Events go in through DuckDB's columnar appender (`appendDataChunk`), about twice as fast as
 * the row appender and far faster than INSERT. The appender does not apply column defaults, so
 * sequence numbers come from a counter owned by this process: a DuckDB file has one writer.
 */
export function duckdbEventStore(db: Kysely<Database>, driver: DuckDBDriver): EventStore {
  let lastSeq: number | undefined

  async function appendBatch(
    connection: DuckDBConnection,
    events: readonly StoredEvent[],
  ): Promise<number[]> {
    if (lastSeq === undefined) {
      const reader = await connection.runAndReadAll('SELECT coalesce(max(seq), 0) FROM events')
      lastSeq = Number(reader.getRows()[0]?.[0] ?? 0)
    }
    const firstSeq = lastSeq + 1
    await connection.run('BEGIN TRANSACTION')
    try {
      const appender = await connection.createAppender('events')
      for (let start = 0; start < events.length; start += CHUNK_ROWS) {
        appender.appendDataChunk(
          buildChunk(events, start, Math.min(events.length, start + CHUNK_ROWS), firstSeq),
        )
      }
      appender.flushSync()
      appender.closeSync()
      await connection.run('COMMIT')
    } catch (error) {
      await connection.run('ROLLBACK').catch(() => {})
      throw error
    }
    lastSeq = firstSeq + events.length - 1
    return events.map((_, index) => firstSeq + index)
  }

  return {
    append: (events) =>
      events.length === 0
        ? Promise.resolve([])
        : driver.runExclusive((connection) => appendBatch(connection, events)),
    readAfter: (afterSeq, limit) => readEventsAfter(db, afterSeq, limit),
    async deleteOlderThan(cutoff) {
      const result = await db.deleteFrom('events').where('event_time', '<', cutoff).executeTakeFirst()
      return Number(result.numDeletedRows)
    },
    async prepareDays() {},
    count: () => countEvents(db),
  }
}

function buildChunk(
  events: readonly StoredEvent[],
  start: number,
  end: number,
  firstSeq: number,
): DuckDBDataChunk {
  const size = end - start
  const columns: DuckDBValue[][] = COLUMN_TYPES.map(() => new Array<DuckDBValue>(size))
  for (let row = 0; row < size; row++) {
    const event = events[start + row]!
    columns[0]![row] = BigInt(firstSeq + start + row)
    columns[1]![row] = micros(event.timestamp)
    columns[2]![row] = micros(event.receivedAt)
    columns[3]![row] = event.source
    columns[4]![row] = event.dataset
    columns[5]![row] = event.eventCode
    columns[6]![row] = event.hostName
    columns[7]![row] = event.userName
    columns[8]![row] = event.sourceIp
    columns[9]![row] = event.destinationIp
    columns[10]![row] = event.processName
    columns[11]![row] = event.processCommandLine
    columns[12]![row] = event.originalJson ?? JSON.stringify(event.original)
    columns[13]![row] = event.labels ? JSON.stringify(event.labels) : null
  }
  const chunk = DuckDBDataChunk.create(COLUMN_TYPES, size)
  chunk.setColumns(columns)
  return chunk
}
