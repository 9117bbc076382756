import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { toStoredEvent } from '../../core/event.js'
import { buildEvent } from '../../test-support/builders.js'
import { ENGINES, openTestStore, type TestStore } from '../../test-support/stores.js'

const events = (count: number, overrides: Parameters<typeof buildEvent>[0] = {}) =>
  Array.from({ length: count }, () => toStoredEvent(buildEvent(overrides)))

for (const engine of ENGINES) {
  describe(`${engine}: overlapping appends`, () => {
    let ctx: TestStore
    beforeEach(async () => {
      ctx = await openTestStore(engine)
    })
    afterEach(async () => {
      await ctx?.close()
    })

    it('lets two appends overlap, and a reader following seq only ever sees a prefix', async () => {
      expect(ctx.store.events.concurrentAppends).toBeGreaterThan(1)
      const resolved: string[] = []
      // Never the small batch's sequence numbers visible while the big batch's lower ones are not.
      const seen: Array<{ count: number; maxSeq: number }> = []
      let appending = true
      const reader = (async () => {
        while (appending) {
          const rows = await ctx.store.events.readAfter(0, 100_000)
          seen.push({ count: rows.length, maxSeq: rows.length === 0 ? 0 : Number(rows.at(-1)!.seq) })
          await new Promise((resolve) => setTimeout(resolve, 1))
        }
      })()
      const big = ctx.store.events.append(events(30_000)).then((seqs) => {
        resolved.push('big')
        return seqs
      })
      const small = ctx.store.events.append(events(10)).then((seqs) => {
        resolved.push('small')
        return seqs
      })
      const [bigSeqs, smallSeqs] = await Promise.all([big, small])
      appending = false
      await reader

      // Each batch has consecutive numbers; together they are 1…30,010 with no overlap.
      expect(bigSeqs.at(-1)! - bigSeqs[0]!).toBe(29_999)
      expect(smallSeqs.at(-1)! - smallSeqs[0]!).toBe(9)
      expect([...bigSeqs, ...smallSeqs].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 30_010 }, (_, index) => index + 1),
      )
      // DuckDB commits in call order; PostgreSQL in the order its parallel copies finish.
      if (engine === 'duckdb') {
        expect(resolved).toEqual(['big', 'small'])
        expect(smallSeqs[0]).toBe(bigSeqs.at(-1)! + 1)
      }
      expect(await ctx.store.events.count()).toBe(30_010)
      expect(seen.length).toBeGreaterThan(0)
      for (const { count, maxSeq } of seen) expect(maxSeq).toBe(count)
    })

    it('leaves the sequence numbers of a failed append unused and still commits the one beside it', async () => {
      // NOT NULL on source: the database refuses the whole batch.
      const failing = ctx.store.events.append(events(5, { source: null as unknown as string }))
      const next = ctx.store.events.append(events(3))
      await expect(failing).rejects.toThrow(/NOT NULL|null/i)
      const seqs = await next
      const rows = await ctx.store.events.readAfter(0, 100)
      expect(rows.map((row) => Number(row.seq))).toEqual(seqs)
      if (engine === 'duckdb') expect(seqs).toEqual([6, 7, 8])
      else
        expect([
          [1, 2, 3],
          [6, 7, 8],
        ]).toContainEqual(seqs)
      // The counter goes on from there; nothing is reused.
      expect(await ctx.store.events.append(events(1))).toEqual([9])
    })

    it('reads pages in seq order across the numbers a failed append left unused', async () => {
      const before = await ctx.store.events.append(events(2))
      await expect(
        ctx.store.events.append(events(5, { source: null as unknown as string })),
      ).rejects.toThrow()
      const after = await ctx.store.events.append(events(4))
      const all = [...before, ...after]
      expect(after[0]! - before.at(-1)!).toBeGreaterThan(1)
      const page = async (afterSeq: number, limit: number) =>
        (await ctx.store.events.readAfter(afterSeq, limit)).map((row) => Number(row.seq))
      expect(await page(0, 3)).toEqual(all.slice(0, 3))
      expect(await page(all[2]!, 3)).toEqual(all.slice(3, 6))
      expect(await page(before.at(-1)!, 10)).toEqual(after)
      expect(await page(all.at(-1)!, 10)).toEqual([])
    })

    it('stores each batch as encoded, round after round of parallel appends of different sizes', async () => {
      // PostgreSQL reuses the buffers batches are encoded in: a batch must never see another's bytes.
      const expected = new Map<number, unknown>()
      for (let round = 0; round < 4; round++) {
        const batches = [3_000, 40, 700].map((count, batch) =>
          events(count, {
            original: { round, batch, padding: 'x'.repeat(((round + batch) % 3) * 1_500) },
          }),
        )
        const seqs = await Promise.all(batches.map((batch) => ctx.store.events.append(batch)))
        for (const [batch, batchSeqs] of seqs.entries())
          for (const [index, seq] of batchSeqs.entries())
            expected.set(seq, batches[batch]![index]!.originalJson)
      }
      const rows = await ctx.store.events.readAfter(0, 100_000)
      expect(rows).toHaveLength(expected.size)
      for (const row of rows) expect(JSON.stringify(row.original)).toBe(expected.get(Number(row.seq)))
    })
  })
}
