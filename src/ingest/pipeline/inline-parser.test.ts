import { describe, expect, it } from 'vitest'
import { parseRecord } from '../parsing.js'
import { inlineBatchParser } from './inline-parser.js'
import type { ParseBatchRequest } from './parse-batch.js'
import type { ParseRecord } from './parse-port.js'

const receivedAt = new Date('2026-11-22T10:00:00Z')

function lines(count: number, tag: string): ParseBatchRequest {
  return {
    records: Array.from({ length: count }, (_, n) => ({
      raw: JSON.stringify({ '@timestamp': '2026-11-22T09:59:00Z', EventID: 4688, tag, n }),
    })),
    source: { name: 'win', parser: 'auto' },
    receivedAt,
  }
}

/** The real parser, made slow enough (0.1 ms a record) that a big submission needs many slices. */
const slowParse: ParseRecord = (input) => {
  const until = performance.now() + 0.1
  while (performance.now() < until) {}
  return parseRecord(input)
}

describe('parsing on the main thread', () => {
  it('gives the event loop turns while it parses a big submission', async () => {
    const parser = inlineBatchParser(slowParse)
    let turns = 0
    const timer = setInterval(() => turns++, 0)
    try {
      // 400 records at 0.1 ms: 40 ms of parsing, in slices of about 2 ms.
      const outcomes = await parser.parse(lines(400, 'big'), 0)
      expect(outcomes).toHaveLength(400)
      expect(outcomes.every((outcome) => 'events' in outcome)).toBe(true)
      expect(turns).toBeGreaterThanOrEqual(5)
    } finally {
      clearInterval(timer)
    }
  })

  it('answers submissions in the order they came, a small one after a big one before it', async () => {
    const parser = inlineBatchParser(slowParse)
    const done: string[] = []
    const big = parser.parse(lines(300, 'big'), 0).then((outcomes) => done.push(`big:${outcomes.length}`))
    const small = parser.parse(lines(2, 'small'), 0).then((outcomes) => done.push(`small:${outcomes.length}`))
    await Promise.all([big, small])
    expect(done).toEqual(['big:300', 'small:2'])
    await parser.close()
  })

  it('keeps each record outcome in its place across slices, a bad record included', async () => {
    const parser = inlineBatchParser(parseRecord)
    const request = lines(100, 'mixed')
    const records = [...request.records]
    records[70] = { raw: '{"not json' }
    const outcomes = await parser.parse({ ...request, records }, 0)
    expect(outcomes.map((outcome, index) => ('events' in outcome ? index : `bad ${index}`))).toEqual(
      records.map((_, index) => (index === 70 ? 'bad 70' : index)),
    )
    const last = outcomes[99]!
    expect('events' in last && last.events[0]!.originalJson).toContain('"n":99')
  })
})
