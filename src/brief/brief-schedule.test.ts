import { randomBytes } from 'node:crypto'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeliveryWorker } from '../notify/delivery-worker.js'
import { type HttpReceiver, startHttpReceiver } from '../notify/test-support/http-receiver.js'
import { runCli } from '../test-support/cli-process.js'
import { ENGINES } from '../test-support/stores.js'
import { startTestServer, type TestServer } from '../test-support/test-server.js'
import { cronFromTimes, latestSlot, parseCronList } from './cron.js'

const SIGNING_SECRET = 'brief-signing-secret-0123'
const PUBLIC_URL = 'https://watchfloor.example'

describe('cron slots', () => {
  it('finds the latest slot in the schedule’s time zone, across a DST change', () => {
    const specs = parseCronList(cronFromTimes(['08:00'], ['mon', 'tue', 'wed', 'thu', 'fri']).join(';'))
    // Monday 30 March 2026, Paris is on summer time (UTC+2) since Sunday.
    const now = new Date('2026-03-30T06:00:30Z')
    expect(latestSlot(specs, 'Europe/Paris', now, null, 3_600_000)?.toISOString()).toBe(
      '2026-03-30T06:00:00.000Z',
    )
    // The Friday before, still UTC+1, is beyond a one-hour look-back.
    expect(
      latestSlot(specs, 'Europe/Paris', new Date('2026-03-28T07:05:00Z'), null, 3_600_000),
    ).toBeUndefined()
    expect(
      latestSlot(specs, 'Europe/Paris', now, new Date('2026-03-30T06:00:00Z'), 3_600_000),
    ).toBeUndefined()
    expect(() => parseCronList('61 8 * * *')).toThrow(/minute/)
  })
})

for (const engine of ENGINES) {
  describe(`${engine}: the brief sent to chat`, () => {
    let server: TestServer
    let receiver: HttpReceiver
    let worker: DeliveryWorker
    let engineer: string
    let analyst: string
    let channels: Record<'slack' | 'teams' | 'webhook' | 'pagerduty', number>
    let incidentId: number

    async function call(method: string, path: string, body?: unknown, token = engineer) {
      const response = await server.request(path, {
        method,
        token,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      const text = await response.text()
      return { status: response.status, json: text ? JSON.parse(text) : undefined }
    }

    async function deliverAll(): Promise<void> {
      for (let round = 0; round < 10 && (await worker.runOnce()) > 0; round += 1) {}
    }

    beforeAll(async () => {
      server = await startTestServer(engine, { secretKey: randomBytes(32).toString('hex') })
      receiver = await startHttpReceiver({ secret: SIGNING_SECRET })
      engineer = await server.tokenFor('engineer')
      analyst = await server.tokenFor('analyst')
      worker = new DeliveryWorker(
        server.services.store,
        server.services.channels,
        {
          leaseMs: 10_000,
          maxAttempts: 3,
          retryBaseMs: 40,
          retryMaxMs: 1_000,
          pollMs: 50,
          concurrency: 2,
          floodThreshold: 20,
          publicUrl: PUBLIC_URL,
        },
        pino({ level: 'silent' }),
      )
      const made = async (name: string, kind: string, config: Record<string, unknown>) =>
        (await call('POST', '/api/v1/channels', { name, kind, config })).json.id as number
      channels = {
        slack: await made('soc-slack', 'slack', { webhookUrl: `${receiver.url}/slack` }),
        teams: await made('soc-teams', 'teams', { webhookUrl: `${receiver.url}/teams` }),
        webhook: await made('soc-hook', 'webhook', { url: `${receiver.url}/hook`, secret: SIGNING_SECRET }),
        pagerduty: await made('pager', 'pagerduty', {
          routingKey: 'R0UT1NGKEY-0123456789',
          baseUrl: receiver.url,
        }),
      }
      const incident = await call('POST', '/api/v1/incidents', { title: 'Ransom note on FS01' }, analyst)
      incidentId = incident.json.id
    })
    afterAll(async () => {
      await receiver.close()
      await server.close()
    })

    it('checks schedules: cron or times, a known zone, a channel that can show a brief, engineers only', async () => {
      const base = { name: 'x', channelId: channels.slack, times: ['08:00'] }
      expect((await call('POST', '/api/v1/brief/schedules', base, analyst)).status).toBe(403)
      const badZone = await call('POST', '/api/v1/brief/schedules', { ...base, timeZone: 'Mars/Olympus' })
      expect(badZone.json.error.code).toBe('invalid_time_zone')
      const pager = await call('POST', '/api/v1/brief/schedules', { ...base, channelId: channels.pagerduty })
      expect(pager.json.error.code).toBe('channel_kind_unsuitable')
      const both = await call('POST', '/api/v1/brief/schedules', { ...base, cron: '0 8 * * *' })
      expect(both.status).toBe(400)
      const badCron = await call('POST', '/api/v1/brief/schedules', {
        name: 'x',
        channelId: channels.slack,
        cron: '0 25 * * *',
      })
      expect(badCron.json.error.code).toBe('invalid_cron')
    })

    it('enqueues each slot once, even when several nodes run the task at once, and Slack gets the brief with links', async () => {
      const created = await call('POST', '/api/v1/brief/schedules', {
        name: 'Morning brief',
        channelId: channels.slack,
        times: ['09:30'],
        timeZone: 'Asia/Kolkata',
      })
      expect(created.status).toBe(201)
      expect(created.json).toMatchObject({ cron: '30 9 * * *', timeZone: 'Asia/Kolkata', lastSlotAt: null })
      // 09:30 in Kolkata (UTC+05:30) is 04:00 UTC: the first one after the schedule was made.
      const createdAt = new Date(created.json.createdAt)
      const slot = new Date(
        Date.UTC(createdAt.getUTCFullYear(), createdAt.getUTCMonth(), createdAt.getUTCDate(), 4, 0),
      )
      if (slot <= createdAt) slot.setUTCDate(slot.getUTCDate() + 1)
      const now = new Date(slot.getTime() + 20_000)

      const service = server.services.briefSchedules
      const counts = await Promise.all([service.runDue(now), service.runDue(now), service.runDue(now)])
      expect(counts.reduce((sum, count) => sum + count, 0)).toBe(1)
      expect(await service.runDue(new Date(now.getTime() + 25_000))).toBe(0)
      const rows = await server.services.store.db
        .selectFrom('notification_outbox')
        .select(['idempotency_key', 'channel_id'])
        .where('event', '=', 'brief')
        .execute()
      expect(rows).toEqual([
        {
          idempotency_key: `brief:schedule-${created.json.id}:${slot.toISOString()}`,
          channel_id: channels.slack,
        },
      ])

      await deliverAll()
      const slack = receiver.requests.filter((request) => request.path === '/slack')
      expect(slack).toHaveLength(1)
      const body = slack[0]!.json as { text: string; blocks: { type: string; text?: { text: string } }[] }
      expect(body.text).toMatch(/^Morning brief: \d+ new alerts, 1 incidents opened/)
      expect(body.blocks[0]?.text?.text).toBe('Watchfloor brief — Morning brief')
      const text = JSON.stringify(body.blocks)
      expect(text).toContain(`<${PUBLIC_URL}/incidents/${incidentId}|#${incidentId} Ransom note on FS01>`)
      expect(text).toContain(`${PUBLIC_URL}/brief?since=`)
      const after = await call('GET', `/api/v1/brief/schedules/${created.json.id}`)
      expect(after.json.lastSlotAt).toBe(slot.toISOString())
    })

    it('sends the brief now at a shift change (API and CLI), to Teams and a signed webhook, audited', async () => {
      const refused = await call(
        'POST',
        '/api/v1/brief/send',
        { channelId: channels.teams, since: 'soon' },
        analyst,
      )
      expect(refused.json.error.code).toBe('invalid_since')
      const teams = await call(
        'POST',
        '/api/v1/brief/send',
        { channelId: channels.teams, since: '24h' },
        analyst,
      )
      expect(teams.status).toBe(202)
      const cli = await runCli(['brief', '--since', '24h', '--send-to', String(channels.teams)], {
        env: { WATCHFLOOR_URL: server.baseUrl, WATCHFLOOR_TOKEN: analyst },
      })
      expect(cli.stdout).toMatch(new RegExp(`queued for channel ${channels.teams} \\(notification \\d+\\)`))
      const hook = await call(
        'POST',
        '/api/v1/brief/send',
        { channelId: channels.webhook, since: '24h', title: 'Night shift hand-over' },
        analyst,
      )
      expect(hook.status).toBe(202)
      await deliverAll()

      expect(receiver.requests.filter((request) => request.path === '/teams')).toHaveLength(2)
      const card = receiver.requests.find((request) => request.path === '/teams')
      const cardText = JSON.stringify(card?.json)
      expect(cardText).toContain('Watchfloor brief — Shift change (sent by token:analyst test)')
      expect(cardText).toContain(
        `[#${incidentId} Ransom note on FS01](${PUBLIC_URL}/incidents/${incidentId})`,
      )
      const webhook = receiver.requests.find((request) => request.path === '/hook')
      expect(webhook?.signatureValid).toBe(true)
      expect(webhook?.json).toMatchObject({
        event: 'brief',
        id: hook.json.idempotencyKey,
        brief: {
          title: 'Night shift hand-over',
          brief: { incidents: { opened: [{ id: incidentId, title: 'Ransom note on FS01' }] } },
        },
      })
      const audit = await server.services.store.db
        .selectFrom('audit_log')
        .select('action')
        .where('action', 'like', 'brief%')
        .orderBy('seq')
        .execute()
      expect(audit.map((row) => row.action)).toEqual([
        'brief_schedule.create',
        'brief.send',
        'brief.send',
        'brief.send',
      ])
    }, 180_000)
  })
}
