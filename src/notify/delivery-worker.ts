import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Logger } from 'pino'
import type { NotificationRow } from '../store/schema.js'
import type { Store } from '../store/store.js'
import { retryDelayMs } from './backoff.js'
import { DeliveryError } from './channels/delivery-error.js'
import type { ChannelsService, DeliverableChannel } from './channels.service.js'
import { floodedChannels, foldIntoDigest } from './digest.js'
import type { NotificationMessage, NotificationPayload } from './message.js'

export interface DeliveryWorkerOptions {
  leaseMs: number
  maxAttempts: number
  retryBaseMs: number
  retryMaxMs: number
  pollMs: number
  concurrency: number
  floodThreshold: number
  publicUrl: string | undefined
  /** Rows claimed per round (default: four per concurrent delivery). */
  batchSize?: number
}

/**
 * Delivers the outbox. Each round folds flooded channels into digests, claims due rows under a
 * lease, delivers them a few at a time and records the outcome — only while it still holds the
 * lease. A worker that dies mid-delivery leaves its rows to another once the lease expires: the
 * receiver may then get a delivery twice, always with the same idempotency key (at-least-once).
 */
export class DeliveryWorker {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
  #stopped = false
  #loop: Promise<void> | undefined
  #wake: (() => void) | undefined

  constructor(
    private readonly store: Store,
    private readonly channels: ChannelsService,
    private readonly options: DeliveryWorkerOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.#loop ??= this.#run()
  }

  /** Finishes the deliveries in hand (their outcome recorded) and stops claiming. */
  async stop(): Promise<void> {
    this.#stopped = true
    this.#wake?.()
    await this.#loop
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      let handled = 0
      try {
        handled = await this.runOnce()
      } catch (error) {
        this.logger.warn({ err: error }, 'notification round failed; will retry')
      }
      if (handled === 0 && !this.#stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.pollMs)
          this.#wake = () => {
            clearTimeout(timer)
            resolve()
          }
        })
      }
    }
  }

  /** One round; returns how many notifications it claimed. */
  async runOnce(now = new Date()): Promise<number> {
    for (const channelId of await floodedChannels(this.store, this.options.floodThreshold, now)) {
      const folded = await foldIntoDigest(this.store, channelId, now)
      if (folded > 0) this.logger.info({ channelId, folded }, 'notification flood: sending a digest')
    }
    const rows = await this.store.outbox.claim({
      owner: this.owner,
      limit: this.options.batchSize ?? this.options.concurrency * 4,
      leaseMs: this.options.leaseMs,
      now,
    })
    if (rows.length === 0) return 0
    const channels = await this.channels.deliverable()
    const queue = [...rows]
    const lanes = Array.from({ length: Math.min(this.options.concurrency, queue.length) }, async () => {
      for (let row = queue.shift(); row; row = queue.shift())
        await this.#deliver(row, channels.get(row.channel_id))
    })
    await Promise.all(lanes)
    return rows.length
  }

  async #deliver(row: NotificationRow, channel: DeliverableChannel | undefined): Promise<void> {
    const timeoutMs = Math.max(1_000, Math.min(30_000, Math.floor(this.options.leaseMs / 2)))
    try {
      if (!channel) throw new DeliveryError(`channel ${row.channel_id} no longer exists`, true)
      if (!channel.enabled) throw new DeliveryError(`channel ${channel.name} is disabled`, true)
      const message: NotificationMessage = {
        ...(row.payload as NotificationPayload),
        event: row.event,
        idempotencyKey: row.idempotency_key,
        createdAt: row.created_at.toISOString(),
      }
      await channel.definition.deliver(message, channel.config, {
        idempotencyKey: row.idempotency_key,
        publicUrl: this.options.publicUrl,
        signal: AbortSignal.timeout(timeoutMs),
        timeoutMs,
      })
    } catch (error) {
      await this.#recordFailure(row, error)
      return
    }
    const marked = await this.store.db
      .updateTable('notification_outbox')
      .set({ status: 'delivered', delivered_at: new Date(), last_error: null, lease_expires_at: null })
      .where('id', '=', row.id)
      .where('status', '=', 'delivering')
      .where('lease_owner', '=', this.owner)
      .executeTakeFirst()
    if (Number(marked.numUpdatedRows) === 0)
      this.logger.warn(
        { id: row.id, key: row.idempotency_key },
        'delivered after losing the lease; the receiver may see this key twice',
      )
  }

  async #recordFailure(row: NotificationRow, error: unknown): Promise<void> {
    const permanent = error instanceof DeliveryError && error.permanent
    const message = error instanceof DeliveryError ? error.message : `unexpected: ${(error as Error).message}`
    const giveUp = permanent || row.attempts >= this.options.maxAttempts
    const delay = retryDelayMs(row.attempts, this.options.retryBaseMs, this.options.retryMaxMs)
    if (!(error instanceof DeliveryError))
      this.logger.error({ err: error, id: row.id }, 'notification delivery crashed')
    else
      this.logger.warn(
        { id: row.id, attempts: row.attempts, giveUp, error: message },
        'notification not delivered',
      )
    await this.store.db
      .updateTable('notification_outbox')
      .set({
        status: giveUp ? 'failed' : 'pending',
        last_error: message.slice(0, 1_000),
        next_attempt_at: new Date(Date.now() + (giveUp ? 0 : delay)),
        lease_expires_at: null,
      })
      .where('id', '=', row.id)
      .where('status', '=', 'delivering')
      .where('lease_owner', '=', this.owner)
      .execute()
  }
}
