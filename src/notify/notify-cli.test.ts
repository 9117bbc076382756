import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../test-support/cli-process.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'

describe('watchfloor channels and notifications commands', () => {
  let server: TestServer
  let env: Record<string, string>
  let failedId: number
  beforeAll(async () => {
    server = await startTestServer('duckdb', { secretKey: randomBytes(32).toString('hex') })
    env = { WATCHFLOOR_URL: server.baseUrl, WATCHFLOOR_TOKEN: await server.tokenFor('engineer') }
    const channel = await server.services.channels.create(
      {
        name: 'soc-slack',
        kind: 'slack',
        config: { webhookUrl: 'https://hooks.slack.com/services/T0/B0/tok3n' },
      },
      server.adminActor,
      { ip: null, requestId: 'test' },
    )
    const now = new Date()
    const row = await server.services.store.db
      .insertInto('notification_outbox')
      .values({
        idempotency_key: 'alert-7:created:ch-1',
        channel_id: channel.id,
        alert_id: 7,
        event: 'alert.created',
        payload: JSON.stringify({}),
        status: 'failed',
        attempts: 8,
        next_attempt_at: now,
        lease_owner: null,
        lease_expires_at: null,
        last_error: 'receiver answered HTTP 500: down',
        digest_id: null,
        created_at: now,
        delivered_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    failedId = row.id
  })
  afterAll(async () => {
    await server?.close()
  })

  it('lists channels without their secrets, lists failed notifications with the error, retries one', async () => {
    const channels = await runCli(['channels', 'list'], { env })
    expect(channels.code).toBe(0)
    expect(channels.stdout).toMatch(/soc-slack\s+slack\s+true/)
    expect(channels.stdout).not.toContain('tok3n')

    const failed = await runCli(['notifications', 'list', '--status', 'failed'], { env })
    expect(failed.code).toBe(0)
    expect(failed.stdout).toContain('receiver answered HTTP 500')

    const retried = await runCli(['notifications', 'retry', String(failedId)], { env })
    expect(retried.code).toBe(0)
    expect(retried.stdout).toContain(`notification ${failedId} is pending again`)
    const again = await runCli(['notifications', 'retry', String(failedId)], { env })
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/only failed notifications are retried/)
  })
})
