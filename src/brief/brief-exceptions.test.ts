import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINES } from '../test-support/stores.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'
import { formatBrief } from './brief.format.js'

for (const engine of ENGINES) {
  describe(`${engine}: exceptions in the brief`, () => {
    let server: TestServer
    beforeAll(async () => {
      server = await startTestServer(engine)
    })
    afterAll(async () => {
      await server?.close()
    })

    it('lists exceptions due for review and those that ended while you were away', async () => {
      const exceptions = server.services.exceptions
      const origin = { ip: null, requestId: 'test' }
      const add = (reason: string, days: number) =>
        exceptions.create(
          {
            ruleId: 'rule-psexec',
            matchers: [{ field: 'host', op: 'equals', value: 'build-01', negate: false }],
            owner: 'platform-team',
            reason,
            expiresAt: new Date(Date.now() + days * 86_400_000),
          },
          server.adminActor,
          origin,
        )
      const soon = await add('nightly deploy', 3)
      await add('quarterly scan', 60)
      const ended = await add('old migration', 30)
      await exceptions.expire(ended.id, server.adminActor, origin)

      const brief = await server.services.brief.build(new Date(Date.now() - 3_600_000))
      expect(brief.exceptions.expiringSoon.map((e) => e.id)).toEqual([soon.id])
      expect(brief.exceptions.expired.map((e) => e.id)).toEqual([ended.id])
      const text = formatBrief(brief)
      expect(text).toContain('EXCEPTIONS')
      expect(text).toMatch(new RegExp(`#${ended.id} EXPIRED .*matching detections raise alerts again`))
      expect(text).toMatch(new RegExp(`#${soon.id} expires .*platform-team, 0 hits\\): nightly deploy`))
    })
  })
}
