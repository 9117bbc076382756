import { randomBytes } from 'node:crypto'
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type StoredEvent, storedOriginalText, toStoredEvent } from '../../core/event.js'
import { buildEvent } from '../../test-support/builders.js'
import { OriginalsJournal } from './originals-journal.js'

function textEvent(text: string): StoredEvent {
  return toStoredEvent(buildEvent({ original: JSON.parse(text), originalJson: text }))
}

/** Events of about 1 KB: repetitive ones compress many times over, random ones hardly. */
function bulkEvents(count: number, tag: string, random = false): StoredEvent[] {
  return Array.from({ length: count }, (_, n) =>
    textEvent(
      JSON.stringify({
        EventID: 4688,
        tag,
        n,
        CommandLine: `cmd.exe /c ${random ? randomBytes(500).toString('hex') : n.toString(36).repeat(300)}`,
      }),
    ),
  )
}

describe('originals journal', () => {
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'watchfloor-journal-'))
  })
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('gives back every form of original as its text: a string, bytes, bytes with a suffix, an object', async () => {
    const journal = await OriginalsJournal.open(dir)
    try {
      const body = Buffer.from('{"a":"naïve 日本 🙂"}\n{"b":1')
      const withSuffix = toStoredEvent(
        buildEvent({ original: { b: 0 } }),
        body.subarray(body.indexOf('\n') + 1),
      )
      withSuffix.originalBytesSuffix = ',"syslog":{"hostname":"h"}}'
      const events: StoredEvent[] = [
        textEvent('{"EventID":1,  "spaced" : true}'),
        toStoredEvent(buildEvent({ original: { a: '' } }), body.subarray(0, body.indexOf('\n'))),
        withSuffix,
        {
          ...toStoredEvent(buildEvent()),
          originalJson: undefined,
          original: { EventID: 7, nested: { x: [1, 2] } },
        },
      ]
      const refs = await journal.write(events)
      expect(await journal.read(refs)).toEqual([
        '{"EventID":1,  "spaced" : true}',
        '{"a":"naïve 日本 🙂"}',
        '{"b":1,"syslog":{"hostname":"h"}}',
        '{"EventID":7,"nested":{"x":[1,2]}}',
      ])
      expect(await journal.read([refs[2]!, refs[0]!])).toEqual([
        '{"b":1,"syslog":{"hostname":"h"}}',
        '{"EventID":1,  "spaced" : true}',
      ])
    } finally {
      await journal.close()
    }
  })

  it('splits a large batch into blocks, writes batches given at once, and compresses them', async () => {
    const journal = await OriginalsJournal.open(dir)
    try {
      const batches = [bulkEvents(3_000, 'a'), bulkEvents(10, 'b'), bulkEvents(1_500, 'c')]
      const written = await Promise.all(batches.map((batch) => journal.write(batch)))
      expect(new Set(written[0]!.map((ref) => ref.block)).size).toBeGreaterThan(1)
      for (const [index, batch] of batches.entries())
        expect(await journal.read(written[index]!)).toEqual(batch.map(storedOriginalText))
      const raw = batches.flat().reduce((total, event) => total + storedOriginalText(event).length, 0)
      const [segment] = readdirSync(dir)
      expect(segment).toBe('0000000001.wfj')
      const { size } = statSync(path.join(dir, segment!))
      expect(size).toBeLessThan(raw / 10)
    } finally {
      await journal.close()
    }
  })

  it('starts a new segment when one is full and, reopened, writes after what is there and reads both', async () => {
    const first = await OriginalsJournal.open(dir, { segmentBytes: 20_000 })
    const early = bulkEvents(200, 'early', true)
    const refs = []
    for (let start = 0; start < early.length; start += 20)
      refs.push(...(await first.write(early.slice(start, start + 20))))
    await first.close()
    expect(readdirSync(dir).length).toBeGreaterThan(1)
    // What a crash can leave: the end of a write that never committed.
    const last = readdirSync(dir).sort().at(-1)!
    appendFileSync(path.join(dir, last), Buffer.from('WFJ1 torn'))

    const again = await OriginalsJournal.open(dir, { segmentBytes: 20_000 })
    try {
      const late = bulkEvents(30, 'late', true)
      const lateRefs = await again.write(late)
      expect(await again.read(refs)).toEqual(early.map(storedOriginalText))
      expect(await again.read(lateRefs)).toEqual(late.map(storedOriginalText))
    } finally {
      await again.close()
    }
  })

  it('deletes the segments no event refers to, never the one being written', async () => {
    const journal = await OriginalsJournal.open(dir, { segmentBytes: 10_000 })
    try {
      const refs = []
      const rounds = Array.from({ length: 6 }, (_, round) => bulkEvents(20, `r${round}`, true))
      for (const round of rounds) refs.push(await journal.write(round))
      const segments = () => readdirSync(dir).sort()
      const before = segments()
      expect(before.length).toBeGreaterThanOrEqual(4)
      const keep = refs[2]![0]!.segment
      const dropped = await journal.dropSegmentsExcept(new Set([keep]))
      const current = Number(before.at(-1)!.slice(0, 10))
      expect(segments().map((name) => Number(name.slice(0, 10)))).toEqual(
        [keep, current].filter((segment, index, all) => all.indexOf(segment) === index).sort((a, b) => a - b),
      )
      expect(dropped).toBe(before.length - segments().length)
      expect(await journal.read(refs[2]!)).toEqual(rounds[2]!.map(storedOriginalText))
    } finally {
      await journal.close()
    }
  })

  it('keeps a segment whose rows have not committed yet, then lets retention delete it', async () => {
    const journal = await OriginalsJournal.open(dir, { segmentBytes: 10_000 })
    try {
      let commit!: () => void
      const committed = new Promise<void>((resolve) => {
        commit = resolve
      })
      const [held] = await journal.write(bulkEvents(20, 'held', true), committed)
      // Later writes fill the segment and move on to new ones.
      for (let round = 0; round < 3; round++) await journal.write(bulkEvents(20, `later${round}`, true))
      const segmentOf = (name: string) => Number(name.slice(0, 10))
      expect(readdirSync(dir).map(segmentOf)).toContain(held!.segment)
      await journal.dropSegmentsExcept(new Set())
      expect(readdirSync(dir).map(segmentOf)).toContain(held!.segment)
      commit()
      await committed
      await new Promise((resolve) => setImmediate(resolve))
      await journal.dropSegmentsExcept(new Set())
      expect(readdirSync(dir).map(segmentOf)).not.toContain(held!.segment)
    } finally {
      await journal.close()
    }
  })

  it('says which segment and place are broken when a block is not there', async () => {
    const journal = await OriginalsJournal.open(dir)
    try {
      const [ref] = await journal.write([textEvent('{"a":1}')])
      await expect(journal.read([{ ...ref!, block: ref!.block + 3 }])).rejects.toThrow(
        /no block at 3 of segment 1/,
      )
      const damaged = Buffer.alloc(12)
      damaged.write('WFJ1', 0, 'latin1')
      damaged.writeUInt32LE(0xffffffff, 4)
      writeFileSync(path.join(dir, '0000000001.wfj'), damaged)
      const misread = await OriginalsJournal.open(dir)
      await expect(misread.read([ref!])).rejects.toThrow(/block at 0 of segment 1 has a damaged header/)
      await misread.close()
      writeFileSync(path.join(dir, '0000000001.wfj'), Buffer.alloc(4))
      const reopened = await OriginalsJournal.open(dir)
      await expect(reopened.read([ref!])).rejects.toThrow(/no block at 0 of segment 1/)
      await reopened.close()
    } finally {
      await journal.close()
    }
  })
})
