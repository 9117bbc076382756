import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { buildEvent } from '../test-support/builders.js'
import { ENGINES, openTestStore, type TestStore } from '../test-support/stores.js'
import { runMaintenance } from './maintenance.js'
import { createServices } from './services.js'

for (const engine of ENGINES) {
  describe(`${engine}: maintenance`, () => {
    let ctx: TestStore
    beforeEach(async () => {
      ctx = await openTestStore(engine)
    })
    afterEach(async () => {
      await ctx?.close()
    })

    it('keeps events inside the retention period and drops older ones', async () => {
      const now = new Date('2026-11-22T12:00:00Z')
      const old = buildEvent({ timestamp: new Date('2026-10-01T00:00:00Z') })
      const recent = buildEvent({ timestamp: new Date('2026-11-21T00:00:00Z') })
      await ctx.store.events.append([old, recent])
      const result = await runMaintenance(createServices(ctx.store, { sessionTtlHours: 1 }), 30, now)
      expect(result.eventsDropped).toBe(1)
      const left = await ctx.store.events.readAfter(0, 10)
      expect(left.map((row) => row.event_time.toISOString())).toEqual(['2026-11-21T00:00:00.000Z'])
    })
  })
}
