import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SYSTEM_ACTOR } from '../auth/actor.js'
import { createServices, type Services } from '../server/services.js'
import { buildEvent } from '../test-support/builders.js'
import { ENGINES, openTestStore, type TestStore } from '../test-support/stores.js'
import { checkSources } from './source-monitor.js'

for (const engine of ENGINES) {
  describe(`${engine}: silent sources`, () => {
    let ctx: TestStore
    let services: Services
    beforeEach(async () => {
      ctx = await openTestStore(engine)
      services = createServices(ctx.store, { sessionTtlHours: 1 })
    })
    afterEach(async () => {
      await ctx?.close()
    })

    it('raises source.silent once when a source misses its interval, and source.recovered when data returns', async () => {
      const check = async () => {
        await services.sourceStats.flush()
        return checkSources(ctx.store)
      }
      await services.sources.create('fw', { expectedIntervalSeconds: 300 }, SYSTEM_ACTOR, {
        ip: null,
        requestId: 't',
      })
      await services.sources.create('quiet-by-design', {}, SYSTEM_ACTOR, { ip: null, requestId: 't' })
      await services.ingest.queue.offer({ events: [buildEvent({ source: 'fw' })], deadLetters: [], bytes: 1 })
      expect(await check()).toEqual({ wentSilent: [], recovered: [] })

      // Ten minutes without a word from fw.
      const tenMinutesAgo = new Date(Date.now() - 600_000)
      await ctx.store.db
        .updateTable('sources')
        .set({ last_received_at: tenMinutesAgo })
        .where('name', '=', 'fw')
        .execute()
      expect(await check()).toEqual({ wentSilent: ['fw'], recovered: [] })
      // Asking again changes nothing: one detection per silence.
      expect(await check()).toEqual({ wentSilent: [], recovered: [] })
      expect((await services.sources.get('fw')).silent_since).not.toBeNull()

      await new Promise((resolve) => setTimeout(resolve, 5))
      await services.ingest.queue.offer({ events: [buildEvent({ source: 'fw' })], deadLetters: [], bytes: 1 })
      expect(await check()).toEqual({ wentSilent: [], recovered: ['fw'] })
      expect((await services.sources.get('fw')).silent_since).toBeNull()

      const detections = await ctx.store.db
        .selectFrom('detections')
        .select(['rule_id', 'source', 'level'])
        .orderBy('id')
        .execute()
      expect(detections).toEqual([
        { rule_id: 'source.silent', source: 'fw', level: 'medium' },
        { rule_id: 'source.recovered', source: 'fw', level: 'informational' },
      ])
    })
  })
}
