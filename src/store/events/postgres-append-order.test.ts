import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { toStoredEvent } from '../../core/event.js'
import { buildEvent } from '../../test-support/builders.js'
import { createScratchDatabase } from '../../test-support/stores.js'
import { openStore } from '../open-store.js'
import type { Store } from '../store.js'
import { RESERVE_EVENT_SEQS_SQL } from './postgres-append-order.js'

const events = (count: number) => Array.from({ length: count }, () => toStoredEvent(buildEvent()))

/**
 * PostgreSQL appends commit out of order; a reader following seq must stop below the first number
 * still in flight. The in-flight append here is held open by hand, on its own connection, with
 * the same reservation an append makes.
 */
describe('postgres: readers stop below sequence numbers still being appended', () => {
  let store: Store
  let drop: () => Promise<void>
  let appender: pg.Client

  beforeEach(async () => {
    const scratch = await createScratchDatabase()
    drop = scratch.drop
    store = await openStore({ dataDir: '', databaseUrl: scratch.url, poolSize: 4 })
    appender = new pg.Client({ connectionString: scratch.url })
    await appender.connect()
  })
  afterEach(async () => {
    await appender?.end()
    await store?.close()
    await drop?.()
  })

  const seqsAfter = async (afterSeq: number) =>
    (await store.events.readAfter(afterSeq, 100)).map((row) => Number(row.seq))

  it('does not read past an open append, then reads its rows once it commits', async () => {
    expect(await store.events.append(events(2))).toEqual([1, 2])
    await appender.query('BEGIN')
    const reserved = await appender.query<{ first: string }>(RESERVE_EVENT_SEQS_SQL, [3])
    expect(Number(reserved.rows[0]!.first)).toBe(3)
    // A later append commits while 3…5 are in flight: visible, but not to a reader following seq.
    expect(await store.events.append(events(2))).toEqual([6, 7])
    expect(await store.events.count()).toBe(4)
    expect(await seqsAfter(0)).toEqual([1, 2])
    expect(await seqsAfter(2)).toEqual([])

    await appender.query(
      `INSERT INTO events (seq, event_time, received_at, source, original)
       SELECT s, now(), now(), 'late', '{}' FROM generate_series(3, 5) AS s`,
    )
    expect(await seqsAfter(2)).toEqual([])
    await appender.query('COMMIT')
    expect(await seqsAfter(2)).toEqual([3, 4, 5, 6, 7])
  })

  it('reads past the numbers of an append that rolled back', async () => {
    await appender.query('BEGIN')
    await appender.query(RESERVE_EVENT_SEQS_SQL, [4])
    expect(await store.events.append(events(1))).toEqual([5])
    expect(await seqsAfter(0)).toEqual([])
    await appender.query('ROLLBACK')
    expect(await seqsAfter(0)).toEqual([5])
  })

  it('marks numbers beyond 32 bits in flight', async () => {
    // Past 2^32 + 2^31: the lock's first key carries the high bits, the second a negative int4.
    for (const start of [2 ** 31 - 2, 2 ** 32 + 2 ** 31 + 7]) {
      await appender.query(`SELECT setval('events_seq', $1)`, [start])
      await appender.query('BEGIN')
      const reserved = await appender.query<{ first: string }>(RESERVE_EVENT_SEQS_SQL, [2])
      expect(Number(reserved.rows[0]!.first)).toBe(start + 1)
      const [later] = (await store.events.append(events(1))) as [number]
      expect(later).toBe(start + 3)
      expect(await seqsAfter(start - 10)).toEqual([])
      await appender.query('ROLLBACK')
      expect(await seqsAfter(start - 10)).toEqual([later])
    }
  })

  it('gives appends made at once disjoint consecutive numbers', async () => {
    const appends = await Promise.all(
      Array.from({ length: 6 }, (_, index) => store.events.append(events(index + 1))),
    )
    for (const [index, seqs] of appends.entries()) expect(seqs.at(-1)! - seqs[0]!).toBe(index)
    const all = appends.flat().sort((a, b) => a - b)
    expect(all).toEqual(Array.from({ length: 21 }, (_, index) => index + 1))
    expect(await seqsAfter(0)).toEqual(all)
  })
})
