import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AlertBuilder } from '../../alerts/alert-builder.js'
import { ENGINES } from '../../test-support/stores.js'
import { startTestServer, type TestServer } from '../../test-support/test-server.js'
import { DetectLoop } from './detect-loop.js'

/** Raw auth.log lines, as rsyslog forwards them: nothing pre-parsed. */
function authLog(count: number): string {
  return Array.from({ length: count }, (_, n) => {
    const second = String(n * 5)
      .padStart(2, '0')
      .slice(-2)
    const minute = String(Math.floor((n * 5) / 60)).padStart(2, '0')
    return `<38>Nov 22 03:${minute}:${second} bastion1 sshd[${4000 + n}]: Failed password for invalid user admin${n} from 203.0.113.7 port ${40000 + n} ssh2`
  }).join('\n')
}

for (const engine of ENGINES) {
  describe(`${engine}: from the first log line to an alert, with the bundled rules`, () => {
    let server: TestServer
    beforeAll(async () => {
      server = await startTestServer(engine)
    })
    afterAll(async () => {
      await server?.close()
    })

    it('turns an SSH brute force in raw auth.log lines into one high alert with its ATT&CK tactic', async () => {
      const engineer = await server.tokenFor('engineer')
      const ingest = await server.request('/api/v1/ingest/bastion-auth', {
        method: 'POST',
        token: engineer,
        body: authLog(12),
        headers: { 'content-type': 'text/plain' },
      })
      expect(await ingest.json()).toMatchObject({ accepted: 12, deadLettered: 0 })

      const logger = pino({ level: 'silent' })
      const detect = new DetectLoop(server.services.store, server.services.rules, logger)
      await server.services.rules.reload()
      while ((await detect.runOnce()) > 0) {}
      const builder = new AlertBuilder(
        server.services.store,
        server.services.rules,
        server.services.silences,
        logger,
      )
      await builder.catchUp()
      await builder.release()

      const alerts = (await (
        await server.request('/api/v1/alerts?severity=high', { token: engineer })
      ).json()) as {
        items: {
          ruleTitle: string
          tactics: string[]
          kind: string
          entities: { ips: string[] }
          description: string | null
          falsePositives: string[]
        }[]
      }
      expect(alerts.items).toEqual([
        expect.objectContaining({
          ruleTitle: 'SSH brute force from one address',
          kind: 'correlation',
          tactics: ['credential_access'],
        }),
      ])
      // The correlation's group-by value (the attacking address) is an entity to pivot on.
      expect(alerts.items[0]!.entities.ips).toEqual(['203.0.113.7'])
      // …and the correlation rule's own description and false positives are on the alert.
      expect(alerts.items[0]!.description).toMatch(/^Ten or more failed SSH logins/)
      expect(alerts.items[0]!.falsePositives).toContain('Vulnerability scanners')
    })
  })
}
