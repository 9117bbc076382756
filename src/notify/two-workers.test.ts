import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI_ORIGIN, SYSTEM_ACTOR } from '../auth/actor.js'
import { createServices } from '../server/services.js'
import { openStore } from '../store/open-store.js'
import type { Store } from '../store/store.js'
import { type ServerProcess, startServerProcess } from '../test-support/cli-process.js'
import { createScratchDatabase } from '../test-support/stores.js'
import { type HttpReceiver, startHttpReceiver } from './test-support/http-receiver.js'
import { enqueueNotices } from './test-support/notices.js'

const SIGNING_SECRET = 'two-workers-signing-secret'

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

function keyCounts(receiver: HttpReceiver, keys: ReadonlySet<string>): Map<string, number> {
  const counts = new Map<string, number>()
  for (const request of receiver.requests) {
    const key = request.idempotencyKey ?? ''
    if (keys.has(key)) counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return counts
}

/**
 * The delivery guarantee, with real processes on one PostgreSQL (DuckDB is one process by
 * design, so this cannot run there): two live workers never deliver one notification twice; a
 * worker killed mid-delivery leaves its rows to the other once its lease expires. What the
 * receiver must tolerate is at-least-once with an idempotency key: a worker killed after the
 * receiver got a request but before it marked the row delivered causes one redelivery, with the
 * same Idempotency-Key.
 */
describe('postgres: two worker processes', () => {
  let store: Store
  let drop: () => Promise<void>
  let receiver: HttpReceiver
  let dataDir: string
  let channelId: number
  const workers: ServerProcess[] = []
  const env: Record<string, string> = {}

  beforeAll(async () => {
    const scratch = await createScratchDatabase()
    drop = scratch.drop
    store = await openStore({ dataDir: '', databaseUrl: scratch.url, poolSize: 4 })
    const secretKey = randomBytes(32).toString('hex')
    receiver = await startHttpReceiver({ secret: SIGNING_SECRET, delayMs: 25 })
    const services = createServices(store, { sessionTtlHours: 1, secretKey })
    const channel = await services.channels.create(
      {
        name: 'soc-webhook',
        kind: 'webhook',
        config: { url: `${receiver.url}/hook`, secret: SIGNING_SECRET },
      },
      SYSTEM_ACTOR,
      CLI_ORIGIN,
    )
    channelId = channel.id
    dataDir = mkdtempSync(path.join(tmpdir(), 'wf-two-workers-'))
    Object.assign(env, {
      WATCHFLOOR_DATABASE_URL: scratch.url,
      WATCHFLOOR_SECRET_KEY: secretKey,
      WATCHFLOOR_DATA_DIR: dataDir,
      WATCHFLOOR_ADMIN_PASSWORD: 'a long enough admin password',
      WATCHFLOOR_NOTIFY_LEASE_MS: '3000',
      WATCHFLOOR_NOTIFY_POLL_MS: '100',
      WATCHFLOOR_NOTIFY_CONCURRENCY: '4',
      // This test is about the lease, not flood control: no digests.
      WATCHFLOOR_NOTIFY_FLOOD_THRESHOLD: '1000000',
    })
    // One after the other: the first creates the administrator, the second finds it.
    workers.push(await startServerProcess(['--roles', 'web,worker'], env))
    workers.push(await startServerProcess(['--roles', 'web,worker'], env))
  }, 90_000)

  afterAll(async () => {
    for (const worker of workers) {
      if (worker.child.exitCode === null && worker.child.signalCode === null) {
        worker.child.kill('SIGTERM')
        await worker.exited
      }
    }
    await receiver?.close()
    await store?.close()
    await drop?.()
    rmSync(dataDir, { recursive: true, force: true })
  }, 60_000)

  async function undelivered(keys: ReadonlySet<string>): Promise<number> {
    const rows = await store.db
      .selectFrom('notification_outbox')
      .select(['idempotency_key', 'status'])
      .where('status', '!=', 'delivered')
      .execute()
    return rows.filter((row) => keys.has(row.idempotency_key)).length
  }

  it('deliver every notification exactly once between them', async () => {
    const notices = await enqueueNotices(store, channelId, 300)
    const keys = new Set(notices.map((notice) => `alert-${notice.id}:created:ch-${channelId}`))
    await waitFor('every notification delivered', async () => (await undelivered(keys)) === 0)

    const counts = keyCounts(receiver, keys)
    expect(counts.size).toBe(300)
    expect([...counts.values()].every((count) => count === 1)).toBe(true)
    expect(receiver.requests.every((request) => request.signatureValid)).toBe(true)
    const byWorker = await store.db
      .selectFrom('notification_outbox')
      .select(['lease_owner', (eb) => eb.fn.countAll<number>().as('delivered')])
      .where('status', '=', 'delivered')
      .groupBy('lease_owner')
      .execute()
    expect(byWorker).toHaveLength(2)
    console.info(
      `two live workers: ${counts.size} keys, ${receiver.requests.length} requests, split ${byWorker.map((row) => Number(row.delivered)).join('/')}`,
    )
  }, 90_000)

  it('after one is killed with SIGKILL mid-delivery, the other delivers what it left, redelivering only with the same key', async () => {
    const before = receiver.requests.length
    const notices = await enqueueNotices(store, channelId, 400)
    const keys = new Set(notices.map((notice) => `alert-${notice.id}:created:ch-${channelId}`))
    await waitFor('a quarter delivered', async () => receiver.requests.length - before >= 100, 30_000)
    const victim = workers[0]!
    // Kill it while it holds leases (its owner id carries its pid), so there is work to take over.
    await waitFor(
      'the victim holding leases',
      async () => {
        const held = await store.db
          .selectFrom('notification_outbox')
          .select('id')
          .where('status', '=', 'delivering')
          .where('lease_owner', 'like', `%:${victim.child.pid}:%`)
          .execute()
        return held.length >= 8
      },
      30_000,
    )
    victim.child.kill('SIGKILL')
    const killedAt = Date.now()
    await victim.exited
    await waitFor('every notification delivered by the survivor', async () => (await undelivered(keys)) === 0)

    const counts = keyCounts(receiver, keys)
    expect(counts.size).toBe(400)
    const duplicated = [...counts.entries()].filter(([, count]) => count > 1)
    // A duplicate is only ever a redelivery of what the killed worker had in flight: sent once
    // before the kill, and again after its lease ran out, with the same key.
    for (const [key] of duplicated) {
      const receipts = receiver.requests.filter((request) => request.idempotencyKey === key)
      expect(receipts).toHaveLength(2)
      expect(receipts[0]!.receivedAt).toBeLessThanOrEqual(killedAt)
      expect(receipts[1]!.receivedAt).toBeGreaterThanOrEqual(killedAt)
    }
    expect(duplicated.length).toBeLessThanOrEqual(16)
    // The victim's leased rows were taken over once its lease expired (claimed a second time).
    const reclaimed = (
      await store.db
        .selectFrom('notification_outbox')
        .select(['idempotency_key', 'attempts'])
        .where('attempts', '>', 1)
        .execute()
    ).filter((row) => keys.has(row.idempotency_key)).length
    expect(reclaimed).toBeGreaterThan(0)
    const phaseRequests = receiver.requests.length - before
    expect(phaseRequests).toBe(400 + duplicated.length)
    console.info(
      `SIGKILL during delivery: ${counts.size}/400 keys delivered, ${phaseRequests} requests, ${reclaimed} rows taken over after the lease expired, ${duplicated.length} redelivered with the same key`,
    )
  }, 90_000)
})
