import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildEvent } from '../../test-support/builders.js'
import { ENGINES, openTestStore, type TestStore } from '../../test-support/stores.js'
import { createBatchCommitter } from './commit-batch.js'
import { IngestQueue, QueueFullError, type Submission } from './ingest-queue.js'
import { SourceStats } from './source-stats.js'

function submission(count: number, source = 'fw'): Submission {
  return {
    events: Array.from({ length: count }, () => buildEvent({ source })),
    deadLetters: [],
    bytes: count * 100,
  }
}

for (const engine of ENGINES) {
  describe(`${engine}: ingest queue`, () => {
    let ctx: TestStore
    beforeEach(async () => {
      ctx = await openTestStore(engine)
    })
    afterEach(async () => {
      await ctx?.close()
    })

    it('groups concurrent submissions into few transactions and resolves each only once committed', async () => {
      const commits: number[] = []
      const queue = new IngestQueue(
        createBatchCommitter(ctx.store, new SourceStats(ctx.store)),
        { maxEvents: 100_000, maxBytes: 1e9, maxBatchEvents: 10_000 },
        (stats) => commits.push(stats.submissions),
      )
      const results = await Promise.all(Array.from({ length: 50 }, () => queue.offer(submission(20))))
      expect(results.flatMap((r) => r.seqs)).toHaveLength(1_000)
      expect(new Set(results.flatMap((r) => r.seqs)).size).toBe(1_000)
      expect(await ctx.store.events.count()).toBe(1_000)
      // The first submission commits alone; the rest gather behind it.
      expect(commits.length).toBeLessThan(10)
      expect(queue.depth).toBe(0)
    })

    it('refuses at once when full, and waits for room when asked to', async () => {
      let release: () => void = () => {}
      const gate = new Promise<void>((resolve) => {
        release = resolve
      })
      const commit = createBatchCommitter(ctx.store, new SourceStats(ctx.store))
      const queue = new IngestQueue(
        async (batch) => {
          await gate
          return commit(batch)
        },
        { maxEvents: 100, maxBytes: 1e9, maxBatchEvents: 1_000 },
      )
      const first = queue.offer(submission(100))
      await expect(queue.offer(submission(1))).rejects.toBeInstanceOf(QueueFullError)
      let waitedDone = false
      const waited = queue.offerWhenSpace(submission(5)).then((r) => {
        waitedDone = true
        return r
      })
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(waitedDone).toBe(false)
      release()
      await first
      expect((await waited).seqs).toHaveLength(5)
      expect(await ctx.store.events.count()).toBe(105)
    })

    it('rejects (never acknowledges) a submission whose commit failed, and keeps working', async () => {
      let fail = true
      const commit = createBatchCommitter(ctx.store, new SourceStats(ctx.store))
      const queue = new IngestQueue(async (batch) => {
        if (fail) throw new Error('disk full')
        return commit(batch)
      })
      await expect(queue.offer(submission(3))).rejects.toMatchObject({ code: 'ingest_commit_failed' })
      fail = false
      expect((await queue.offer(submission(3))).seqs).toHaveLength(3)
      expect(await ctx.store.events.count()).toBe(3)
    })

    it('counts events and dead letters per source and keeps the latest event time', async () => {
      const now = new Date()
      await ctx.store.db
        .insertInto('sources')
        .values({ name: 'fw', parser: 'auto', timezone: 'UTC', created_at: now, updated_at: now })
        .execute()
      const stats = new SourceStats(ctx.store)
      const queue = new IngestQueue(createBatchCommitter(ctx.store, stats))
      const latest = new Date('2026-11-21T10:00:00Z')
      await queue.offer({
        events: [
          buildEvent({ source: 'fw', timestamp: new Date('2026-11-21T09:00:00Z') }),
          buildEvent({ source: 'fw', timestamp: latest }),
        ],
        deadLetters: [
          {
            receivedAt: now,
            source: 'fw',
            parser: 'auto',
            input: 'http',
            reason: 'not JSON',
            location: 'line 3',
            raw: 'garbage',
          },
        ],
        bytes: 10,
      })
      await stats.flush()
      const row = await ctx.store.db
        .selectFrom('sources')
        .selectAll()
        .where('name', '=', 'fw')
        .executeTakeFirstOrThrow()
      expect(Number(row.events_total)).toBe(2)
      expect(Number(row.dead_letters_total)).toBe(1)
      expect(row.last_event_at?.toISOString()).toBe(latest.toISOString())
      const letters = await ctx.store.db.selectFrom('dead_letters').selectAll().execute()
      expect(letters).toMatchObject([
        { source: 'fw', reason: 'not JSON', location: 'line 3', raw: 'garbage', raw_encoding: 'utf8' },
      ])
    })
  })
}
