import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { toStoredEvent } from '../core/event.js'
import { buildEvent } from '../test-support/builders.js'
import { ENGINES, openTestStore, type TestStore } from '../test-support/stores.js'
import { parsedOriginal } from './events/common.js'
import { migrateToLatest } from './migrate.js'
import { openStore } from './open-store.js'

/** Each engine; DuckDB also with a data folder, where originals go to the originals journal. */
const VARIANTS = [
  ...ENGINES.map((engine) => ({ engine, name: engine, journal: false })),
  { engine: 'duckdb' as const, name: 'duckdb with a data folder', journal: true },
]

for (const { engine, name, journal } of VARIANTS) {
  describe(`${name}: store`, () => {
    let ctx: TestStore
    let dataDir: string | undefined

    beforeEach(async () => {
      dataDir = journal ? mkdtempSync(path.join(tmpdir(), 'watchfloor-store-')) : undefined
      ctx = await openTestStore(engine, { dataDir })
    })
    afterEach(async () => {
      await ctx?.close()
      if (dataDir) rmSync(dataDir, { recursive: true, force: true })
    })

    it('applies migrations once and is ready', async () => {
      await ctx.store.ping()
      const again = await migrateToLatest(ctx.store)
      expect(again.applied).toEqual([])
    })

    it('appends events with monotonic sequence numbers and reads them back by cursor', async () => {
      const first = await ctx.store.events.append([buildEvent(), buildEvent()])
      const second = await ctx.store.events.append([buildEvent({ hostName: 'dc01' })])
      expect(first).toHaveLength(2)
      expect(first[1]!).toBeGreaterThan(first[0]!)
      expect(second[0]!).toBeGreaterThan(first[1]!)

      const after = await ctx.store.events.readAfter(first[0]!, 10)
      expect(after.map((row) => row.seq)).toEqual([first[1], second[0]])
      const last = after[1]!
      expect(last.host_name).toBe('dc01')
      expect(last.event_time).toBeInstanceOf(Date)
      expect(last.original).toMatchObject({ EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational' })
    })

    it('commits a large batch in order and keeps the original JSON text as received', async () => {
      const events = Array.from({ length: 5_000 }, (_, index) => {
        const text = `{"EventID":4624,"n":${index},"TargetUserName":"svc_${index}"}`
        return buildEvent({ original: JSON.parse(text), originalJson: text, userName: `svc_${index}` })
      })
      const seqs = await ctx.store.events.append(events)
      expect(seqs).toHaveLength(5_000)
      expect(seqs.every((seq, index) => index === 0 || seq === seqs[index - 1]! + 1)).toBe(true)
      const rows = await ctx.store.events.readAfter(seqs[4_000]! - 1, 3)
      expect(rows.map((row) => row.user_name)).toEqual(['svc_4000', 'svc_4001', 'svc_4002'])
      expect(rows[0]!.original).toEqual({ EventID: 4624, n: 4000, TargetUserName: 'svc_4000' })
      expect(await ctx.store.events.count()).toBe(5_000)
    })

    it('stores awkward values intact: non-ASCII, NUL characters, nulls, dates before 2000', async () => {
      const text = '{"CommandLine":"C:\\\\Temp\\\\naïve \\"x\\" 日本 🙂","Bad":"a\\u0000b","tab":"\\t"}'
      const timestamp = new Date('1999-12-31T23:59:59.999Z')
      const [seq] = await ctx.store.events.append([
        buildEvent({
          timestamp,
          original: JSON.parse(text),
          originalJson: text,
          hostName: null,
          userName: 'CORP\\émile',
          processCommandLine: 'cmd.exe /c "a\u0000b"\ttab\nnewline',
        }),
      ])
      const [row] = await ctx.store.events.readAfter(seq! - 1, 1)
      expect(row!.event_time.toISOString()).toBe(timestamp.toISOString())
      expect(row!.host_name).toBeNull()
      expect(row!.user_name).toBe('CORP\\émile')
      expect(row!.process_command_line).toMatch(/^cmd\.exe \/c "a.b"\ttab\nnewline$/)
      expect(row!.original).toMatchObject({ CommandLine: 'C:\\Temp\\naïve "x" 日本 🙂', tab: '\t' })
      expect(String((row!.original as { Bad: string }).Bad)).toMatch(/^a.b$/)
    })

    it('stores an original held as bytes as the text of those bytes, ASCII or not, NUL or not', async () => {
      const texts = [
        '{"EventID":4688,  "CommandLine":"naïve 日本 🙂"}',
        '{"EventID":1,"x" : "plain"}',
        // A raw NUL (not valid JSON, and never read back here): the bytes are not copied as they are.
        '{"EventID":2,"raw":"a\u0000b"}',
      ]
      const body = Buffer.from(texts.join('\n'))
      let from = 0
      const events = texts.map((text) => {
        const bytes = body.subarray(from, from + Buffer.byteLength(text))
        from += bytes.length + 1
        return toStoredEvent(buildEvent({ original: { EventID: 0 }, originalJson: text }), bytes)
      })
      expect(events.map((event) => event.originalJson)).toEqual([undefined, undefined, undefined])
      const seqs = await ctx.store.events.append(events)
      const { rows } = journal
        ? { rows: await ctx.store.events.readAfter(0, 3, { parse: false }) }
        : await sql<{ original: string }>`
            SELECT CAST(original AS VARCHAR) AS original FROM events ORDER BY seq`.execute(ctx.store.db)
      // PostgreSQL text cannot hold NUL: there it becomes U+FFFD, as for text held as a string.
      const nul = engine === 'postgres' ? '\ufffd' : '\u0000'
      expect(rows.map((row) => row.original)).toEqual([texts[0], texts[1], texts[2]!.replace('\u0000', nul)])
      const read = await ctx.store.events.readAfter(seqs[0]! - 1, 2)
      expect(read[0]!.original).toEqual({ EventID: 4688, CommandLine: 'naïve 日本 🙂' })
      // Unparsed, as the detect loop reads a page: the text stored, parsed one row at a time.
      const text = await ctx.store.events.readAfter(seqs[0]! - 1, 2, { parse: false })
      expect(text.map((row) => row.original)).toEqual([texts[0], texts[1]])
      expect(text.map(parsedOriginal)).toEqual([
        { EventID: 4688, CommandLine: 'naïve 日本 🙂' },
        { EventID: 1, x: 'plain' },
      ])
    })

    it('stores an original held as bytes and an ASCII suffix as their text together', async () => {
      // A syslog JSON payload, a view of the bytes received, with the header added after it.
      const message = Buffer.from('<14>1 2026-11-22T10:00:00Z h app - - - {"EventID":4688,"n":[1]}')
      const payload = message.subarray(message.indexOf('{'), message.length - 1)
      const suffix = ',"syslog":{"hostname":"h","appname":"app"}}'
      const stored = toStoredEvent(buildEvent({ original: { EventID: 0 } }), payload)
      stored.originalBytesSuffix = suffix
      const [seq] = await ctx.store.events.append([stored, toStoredEvent(buildEvent())])
      const [row] = await ctx.store.events.readAfter(seq! - 1, 1)
      expect(row!.original).toEqual({ EventID: 4688, n: [1], syslog: { hostname: 'h', appname: 'app' } })
    })

    it('keeps each original of a batch whole when many carry a suffix, one of them 100 KB', async () => {
      const payloads = [1, 100_000, 3, 2_000].map((length, n) =>
        Buffer.from(`{"n":${n},"pad":"${'é'.repeat(length)}"`),
      )
      const events = payloads.map((payload, n) => {
        const stored = toStoredEvent(buildEvent({ original: { EventID: 0 } }), payload)
        stored.originalBytesSuffix = `,"syslog":{"hostname":"h${n}"}}`
        return stored
      })
      const seqs = await ctx.store.events.append(events)
      const read = await ctx.store.events.readAfter(seqs[0]! - 1, events.length)
      expect(read.map((row) => row.original)).toEqual(
        payloads.map((payload, n) => JSON.parse(`${payload.toString()},"syslog":{"hostname":"h${n}"}}`)),
      )
    })

    it('keeps event time and received time apart, to the millisecond', async () => {
      const timestamp = new Date('2026-11-20T08:15:30.123Z')
      const receivedAt = new Date('2026-11-20T08:16:00.456Z')
      const [seq] = await ctx.store.events.append([buildEvent({ timestamp, receivedAt })])
      const [row] = await ctx.store.events.readAfter(seq! - 1, 1)
      expect(row!.event_time.toISOString()).toBe(timestamp.toISOString())
      expect(row!.received_at.toISOString()).toBe(receivedAt.toISOString())
    })

    it('drops events older than the retention cutoff and keeps the rest', async () => {
      const days = [
        new Date('2026-11-01T10:00:00Z'),
        new Date('2026-11-10T10:00:00Z'),
        new Date('2026-11-20T10:00:00Z'),
      ]
      await ctx.store.events.prepareDays(days.slice(0, 2))
      await ctx.store.events.append(days.map((timestamp) => buildEvent({ timestamp })))
      // A partition created after rows for its day arrived takes those rows over.
      await ctx.store.events.prepareDays([days[2]!])
      expect(await ctx.store.events.count()).toBe(3)

      const removed = await ctx.store.events.deleteOlderThan(new Date('2026-11-15T00:00:00Z'))
      expect(removed).toBe(2)
      const left = await ctx.store.events.readAfter(0, 10)
      expect(left.map((row) => row.event_time.toISOString())).toEqual(['2026-11-20T10:00:00.000Z'])
    })

    it('keeps event times before 2000 and far ahead to the microsecond', async () => {
      const times = ['1999-12-31T23:59:59.123Z', '1970-01-01T00:00:00.001Z', '2286-11-20T17:46:39.999Z']
      await ctx.store.events.append(times.map((time) => buildEvent({ timestamp: new Date(time) })))
      const rows = await ctx.store.events.readAfter(0, 10)
      expect(rows.map((row) => row.event_time.toISOString())).toEqual(times)
    })

    it('rolls a failed transaction back whole', async () => {
      await expect(
        ctx.store.transaction(async (trx) => {
          await trx
            .insertInto('users')
            .values({
              username: 'x',
              password_hash: 'h',
              role: 'viewer',
              created_at: new Date(),
              updated_at: new Date(),
            })
            .execute()
          throw new Error('boom')
        }),
      ).rejects.toThrow('boom')
      const users = await ctx.store.db.selectFrom('users').selectAll().execute()
      expect(users).toEqual([])
    })
  })
}

describe('duckdb: embedded database settings', () => {
  it('applies a configured memory limit and refuses anything but a size', async () => {
    const store = await openStore({ dataDir: '.', duckdbFile: ':memory:', duckdbMemoryLimit: '512MiB' })
    try {
      const { rows } = await sql<{ limit: string }>`SELECT current_setting('memory_limit') AS limit`.execute(
        store.db,
      )
      expect(rows[0]!.limit).toBe('512.0 MiB')
    } finally {
      await store.close()
    }
    await expect(
      openStore({ dataDir: '.', duckdbFile: ':memory:', duckdbMemoryLimit: "1GB'; DROP TABLE x; --" }),
    ).rejects.toThrow('not a size')
  })
})

describe('duckdb: event storage', () => {
  it('keeps originals in a compressed journal beside the file, and reads them after a restart', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'watchfloor-journal-'))
    const events = Array.from({ length: 3_000 }, (_, index) =>
      buildEvent({
        original: { EventID: 4688, n: index, CommandLine: `cmd.exe /c echo ${'x'.repeat(2_000)}` },
      }),
    )
    try {
      const first = await openStore({ dataDir })
      await first.events.append(events.slice(0, 2_000))
      await first.close()
      const journal = path.join(dataDir, 'watchfloor.duckdb.originals')
      const journalBytes = readdirSync(journal).reduce(
        (total, name) => total + statSync(path.join(journal, name)).size,
        0,
      )
      const rawBytes = events
        .slice(0, 2_000)
        .reduce((total, event) => total + JSON.stringify(event.original).length, 0)
      expect(journalBytes).toBeLessThan(rawBytes / 10)

      const store = await openStore({ dataDir })
      try {
        await store.events.append(events.slice(2_000))
        const read = await store.events.readAfter(0, 3_000)
        expect(read.map((row) => (row.original as { n: number }).n)).toEqual(events.map((_, index) => index))
        expect(read[2_500]!.original).toEqual(events[2_500]!.original)
        const { rows } = await sql<{ original: string }>`
          SELECT DISTINCT original FROM events`.execute(store.db)
        expect(rows).toEqual([{ original: '' }])
      } finally {
        await store.close()
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('reads originals kept in the column, as an earlier build stored them, beside journaled ones', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'watchfloor-mixed-'))
    const store = await openStore({ dataDir })
    try {
      const [journaled] = await store.events.append([
        buildEvent({ original: { EventID: 1, kept: 'journal' } }),
      ])
      await sql`INSERT INTO events (seq, event_time, received_at, source, original)
        VALUES (${journaled! + 1}, now(), now(), 'old', '{"EventID":2,"kept":"column"}')`.execute(store.db)
      const read = await store.events.readAfter(0, 10)
      expect(read.map((row) => row.original)).toEqual([
        { EventID: 1, kept: 'journal' },
        { EventID: 2, kept: 'column' },
      ])
    } finally {
      await store.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('still opens a file created in the old storage format, and reads and writes it', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'watchfloor-v1-'))
    const file = path.join(dataDir, 'watchfloor.duckdb')
    const old = await DuckDBInstance.create(file)
    old.closeSync()
    const store = await openStore({ dataDir })
    try {
      await store.events.append([buildEvent({ hostName: 'old-format' })])
      const { rows } = await sql<{ tags: string }>`
        SELECT tags['storage_version'] AS tags FROM duckdb_databases() WHERE path = ${file}`.execute(store.db)
      expect(rows[0]!.tags).toMatch(/^v1\.0/)
      expect((await store.events.readAfter(0, 10))[0]!.host_name).toBe('old-format')
    } finally {
      await store.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

// PostgreSQL: TOAST compression, set per column and partition.
describe('postgres: event storage', () => {
  let ctx: TestStore
  beforeEach(async () => {
    ctx = await openTestStore('postgres')
  })
  afterEach(async () => {
    await ctx?.close()
  })

  it('keeps the original JSON text byte for byte: key order, duplicates, spacing, escaped NUL', async () => {
    const texts = ['{"b": 1,  "a": "x\\u0000y", "a": 2}', '{"EventID":4688, "CommandLine":"naïve 🙂" }']
    await ctx.store.events.append(
      texts.map((text) => buildEvent({ original: JSON.parse(text), originalJson: text })),
    )
    const { rows } = await sql<{ original: string }>`SELECT original FROM events ORDER BY seq`.execute(
      ctx.store.db,
    )
    expect(rows.map((row) => row.original)).toEqual(texts)
    const read = await ctx.store.events.readAfter(0, 2)
    expect(read.map((row) => row.original)).toEqual(texts.map((text) => JSON.parse(text)))
    // JSON operators through a cast (PostgreSQL's JSON parser refuses \u0000, so not on the first).
    const cast = await sql<{ id: string }>`
      SELECT original::jsonb ->> 'EventID' AS id FROM events WHERE seq = (SELECT max(seq) FROM events)`.execute(
      ctx.store.db,
    )
    expect(cast.rows).toEqual([{ id: '4688' }])
  })

  it('compresses originals with lz4 in every partition, including days created later', async () => {
    await ctx.store.events.prepareDays([new Date('2026-11-20T10:00:00Z')])
    const original = { EventID: 4688, CommandLine: 'x'.repeat(4_000) }
    await ctx.store.events.append([buildEvent({ timestamp: new Date('2026-11-20T10:00:00Z'), original })])
    const { rows } = await sql<{ partition: string; method: string }>`
      SELECT c.relname AS partition, a.attcompression AS method
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'original'
      WHERE i.inhparent = 'events'::regclass ORDER BY 1`.execute(ctx.store.db)
    expect(rows.length).toBeGreaterThanOrEqual(2)
    expect(new Set(rows.map((row) => row.method))).toEqual(new Set(['l']))
    const stored = await sql<{ method: string }>`
      SELECT pg_column_compression(original) AS method FROM events`.execute(ctx.store.db)
    expect(stored.rows).toEqual([{ method: 'lz4' }])
  })
})
