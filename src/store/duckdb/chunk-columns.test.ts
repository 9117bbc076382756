import { BIGINT, DuckDBDataChunk, DuckDBInstance, INTEGER, TIMESTAMPTZ, VARCHAR } from '@duckdb/node-api'
import { describe, expect, it } from 'vitest'
import { writeInt32Column, writeInt64Column, writeVarCharColumn } from './chunk-columns.js'

describe('writing data chunk columns directly', () => {
  it('stores 64-bit and 32-bit integers, timestamps, strings and nulls as DuckDB reads them back', async () => {
    const instance = await DuckDBInstance.create(':memory:')
    const connection = await instance.connect()
    try {
      await connection.run('CREATE TABLE t (a BIGINT, t TIMESTAMPTZ, n INTEGER, s VARCHAR)')
      // 130 rows: nulls in more than one 64-bit word of the validity mask.
      const rows = 130
      const big = [
        0,
        1,
        -1,
        2 ** 32,
        2 ** 32 + 5,
        -(2 ** 32) - 7,
        Number.MAX_SAFE_INTEGER,
        Number.MIN_SAFE_INTEGER,
      ]
      const int64 = (row: number) =>
        row % 7 === 3 ? null : row < big.length ? big[row]! : (row % 2 ? 1 : -1) * (2 ** 40 + row)
      const time = (row: number) => (row === 5 ? null : Date.UTC(1969, 0, 1) * 1000 + row * 86_400_000_000)
      const int32 = (row: number) =>
        row === 100 ? undefined : row % 2 === 0 ? 0 - row || 0 : 2 ** 31 - 1 - row
      // Around DuckDB's 12-byte inline limit: ASCII, two-byte characters, '' and long strings.
      const shapes = [
        '',
        'a',
        'x'.repeat(12),
        'x'.repeat(13),
        'é'.repeat(6),
        'é'.repeat(7),
        '4688',
        'WORKSTATION5.theshire.local',
      ]
      const text = (row: number) =>
        row % 64 === 0
          ? null
          : row % 3 === 0
            ? shapes[row % shapes.length]!
            : `row ${row} é ${'x'.repeat(row % 20)}`
      const chunk = DuckDBDataChunk.create([BIGINT, TIMESTAMPTZ, INTEGER, VARCHAR], rows)
      writeInt64Column(chunk, 0, rows, int64)
      writeInt64Column(chunk, 1, rows, time)
      writeInt32Column(chunk, 2, rows, int32)
      writeVarCharColumn(chunk, 3, rows, text)
      const appender = await connection.createAppender('t')
      appender.appendDataChunk(chunk)
      appender.closeSync()

      const reader = await connection.runAndReadAll('SELECT a, epoch_us(t) AS t, n, s FROM t ORDER BY rowid')
      const stored = reader.getRowObjectsJS()
      expect(stored).toHaveLength(rows)
      const expected = Array.from({ length: rows }, (_, row) => ({
        a: int64(row) === null ? null : BigInt(int64(row)!),
        t: time(row) === null ? null : BigInt(time(row)!),
        n: int32(row) ?? null,
        s: text(row),
      }))
      expect(stored).toEqual(expected)
      // Inline and heap strings compare, group and filter as DuckDB's own would.
      const counted = await connection.runAndReadAll(
        "SELECT count(*) FILTER (s = '4688'), count(*) FILTER (s = ''), count(*) FILTER (s LIKE 'xxxxxxxxxxxx%'), count(DISTINCT s) FROM t",
      )
      const texts = expected.map((row) => row.s)
      expect(counted.getRowsJS()[0]).toEqual([
        BigInt(texts.filter((value) => value === '4688').length),
        BigInt(texts.filter((value) => value === '').length),
        BigInt(texts.filter((value) => value?.startsWith('x'.repeat(12))).length),
        BigInt(new Set(texts.filter((value) => value !== null)).size),
      ])
    } finally {
      connection.closeSync()
      instance.closeSync()
    }
  })

  it('refuses a 64-bit value that is not a safe integer (an invalid date) instead of storing 1970', () => {
    const chunk = DuckDBDataChunk.create([TIMESTAMPTZ], 2)
    expect(() => writeInt64Column(chunk, 0, 2, (row) => (row === 1 ? Number.NaN : 0))).toThrow(/row 1: NaN/)
  })

  it('scales values exactly past 2^53: microseconds of dates after 2255 and before 1700', async () => {
    const instance = await DuckDBInstance.create(':memory:')
    const connection = await instance.connect()
    try {
      await connection.run('CREATE TABLE t (t TIMESTAMPTZ)')
      const times = ['2286-11-20T17:46:39.999Z', '9999-12-31T23:59:59.999Z', '1600-02-29T00:00:00.001Z']
      const chunk = DuckDBDataChunk.create([TIMESTAMPTZ], times.length)
      writeInt64Column(chunk, 0, times.length, (row) => Date.parse(times[row]!), 1000)
      const appender = await connection.createAppender('t')
      appender.appendDataChunk(chunk)
      appender.closeSync()
      const reader = await connection.runAndReadAll('SELECT epoch_us(t) FROM t ORDER BY rowid')
      expect(reader.getRowsJS().map(([micros]) => micros)).toEqual(
        times.map((time) => BigInt(Date.parse(time)) * 1000n),
      )
    } finally {
      connection.closeSync()
      instance.closeSync()
    }
  })
})
