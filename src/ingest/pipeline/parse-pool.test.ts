import { afterEach, describe, expect, it } from 'vitest'
import { parseRecord } from '../parsing.js'
import { type ParseBatchRequest, parseRecords } from './parse-batch.js'
import { ParsePool } from './parse-pool.js'

const receivedAt = new Date('2026-11-22T10:00:00Z')

function request(records: ParseBatchRequest['records'], parser = 'auto'): ParseBatchRequest {
  return { records, source: { name: 'mixed', parser, timezone: 'Europe/Paris' }, receivedAt }
}

const windowsLine = JSON.stringify({
  '@timestamp': '2026-11-22T09:59:00Z',
  EventID: 4625,
  Channel: 'Security',
  Hostname: 'dc01',
  TargetUserName: 'admin',
})

describe('parse workers', () => {
  let pool: ParsePool | undefined
  afterEach(async () => {
    await pool?.close()
    pool = undefined
  })

  it('give the same events and reasons as parsing on the main thread, framing included', async () => {
    pool = new ParsePool(2, 64 * 1024 * 1024)
    const batch = request([
      { raw: windowsLine },
      { raw: '<34>Oct 11 22:14:15 mymachine su: ’su root’ failed for lonvick on /dev/pts/8' },
      { raw: '{"broken": ' },
      { raw: { message: 'hello', host: { name: 'web1' } } },
      { raw: 'ignored', framing: { rejected: 'not a document' } },
      {
        raw: JSON.stringify({ msg: 'no time' }),
        framing: {
          defaults: { timestamp: new Date('2026-11-22T08:00:00Z'), hostName: 'hec-host' },
          labels: { sourcetype: 'app:json' },
        },
      },
    ])
    const inWorker = await pool.parse(batch, 1_000)
    expect(inWorker).toEqual(parseRecords(parseRecord, batch))
    expect(inWorker.map((outcome) => ('events' in outcome ? 'events' : outcome.reason))).toEqual([
      'events',
      'events',
      expect.stringMatching(/invalid JSON/),
      'events',
      'not a document',
      'events',
    ])
    // A JSON line is kept byte for byte (the worker does not send it back; the pool restores it).
    expect('events' in inWorker[0]! && inWorker[0].events[0]!.originalJson).toBe(windowsLine)
    expect('events' in inWorker[5]! && inWorker[5].events[0]).toMatchObject({
      timestamp: new Date('2026-11-22T08:00:00Z'),
      hostName: 'hec-host',
      labels: { sourcetype: 'app:json' },
    })
  })

  it('keep a line read as bytes as those bytes, in a worker and on the main thread', async () => {
    pool = new ParsePool(1, 64 * 1024 * 1024)
    const body = Buffer.from(`${windowsLine}\n{"broken": \n`)
    const line = body.subarray(0, Buffer.byteLength(windowsLine))
    const broken = body.subarray(line.length + 1, body.length - 1)
    const batch = request([{ raw: line }, { raw: broken }])
    for (const outcomes of [await pool.parse(batch, 1_000), parseRecords(parseRecord, batch)]) {
      const [stored, failed] = outcomes
      const event = 'events' in stored! ? stored.events[0]! : undefined
      expect(event?.originalBytes).toBe(line)
      expect(event?.originalJson).toBeUndefined()
      expect(event).toMatchObject({ eventCode: '4625', hostName: 'dc01', userName: 'admin' })
      expect(failed).toEqual({ reason: expect.stringMatching(/invalid JSON/) })
    }
  })

  it('deliver batches in the order they were submitted', async () => {
    pool = new ParsePool(2, 64 * 1024 * 1024)
    const big = request(Array.from({ length: 20_000 }, () => ({ raw: windowsLine })))
    const small = request([{ raw: JSON.stringify({ EventID: 1, Channel: 'x' }) }])
    const settled: string[] = []
    await Promise.all([
      pool.parse(big, 1).then(() => settled.push('big')),
      pool.parse(small, 1).then(() => settled.push('small')),
    ])
    expect(settled).toEqual(['big', 'small'])
  })

  it('holds senders back while too many bytes wait for a parser', async () => {
    pool = new ParsePool(1, 1_000)
    const first = pool.parse(request([{ raw: windowsLine }]), 1_500)
    expect(pool.hasSpace()).toBe(false)
    let released = false
    const waiting = pool.whenSpace().then(() => {
      released = true
    })
    await first
    await waiting
    expect(released).toBe(true)
    expect(pool.hasSpace()).toBe(true)
  })

  it('fail a batch that cannot be copied to a worker, and keep nothing of it waiting', async () => {
    pool = new ParsePool(1, 1_000)
    const uncopyable = request([{ raw: { handler: () => 1 } as unknown as Record<string, unknown> }])
    await expect(pool.parse(uncopyable, 900)).rejects.toThrow()
    expect(pool.hasSpace()).toBe(true)
    expect(await pool.parse(request([{ raw: windowsLine }]), 900)).toHaveLength(1)
  })

  it('fail only the batch of a worker that dies, and parse the next batch in a new worker', async () => {
    // A 16 MiB heap cannot hold 400,000 parsed events: the worker runs out of memory mid-batch.
    pool = new ParsePool(1, 1024 * 1024 * 1024, 16)
    const huge = request(Array.from({ length: 400_000 }, () => ({ raw: windowsLine })))
    await expect(pool.parse(huge, 1)).rejects.toMatchObject({ code: 'ingest_parse_failed' })
    const next = await pool.parse(request([{ raw: windowsLine }]), 1)
    expect(next).toHaveLength(1)
    expect('events' in next[0]! && next[0].events[0]!.eventCode).toBe('4625')
  })
})
