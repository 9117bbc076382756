import { sql } from 'kysely'
import type { StoredEvent } from '../../core/event.js'
import type { Store } from '../../store/store.js'
import type { NewDeadLetter } from './dead-letter.js'

interface SourceTally {
  events: number
  deadLetters: number
  lastEventAt: Date | null
  lastReceivedAt: Date
}

/**
 * Per-source counters and last-seen times, gathered in memory by the commit path and written in
 * one small transaction at most once a second (and whenever someone reads sources). Writing them
 * with every batch would cost a second fsync per commit; a crash loses at most a second of
 * counting, never an event.
 */
export class SourceStats {
  #pending = new Map<string, SourceTally>()
  #flushing: Promise<void> | undefined

  constructor(private readonly store: Store) {}

  record(
    events: readonly StoredEvent[],
    deadLetters: readonly NewDeadLetter[],
    receivedAt = new Date(),
  ): void {
    for (const event of events) {
      const tally = this.#tally(event.source, receivedAt)
      tally.events += 1
      if (!tally.lastEventAt || event.timestamp > tally.lastEventAt) tally.lastEventAt = event.timestamp
    }
    for (const letter of deadLetters) this.#tally(letter.source, receivedAt).deadLetters += 1
  }

  #tally(source: string, receivedAt: Date): SourceTally {
    let tally = this.#pending.get(source)
    if (!tally) {
      tally = { events: 0, deadLetters: 0, lastEventAt: null, lastReceivedAt: receivedAt }
      this.#pending.set(source, tally)
    }
    if (receivedAt > tally.lastReceivedAt) tally.lastReceivedAt = receivedAt
    return tally
  }

  /** Writes what has gathered; concurrent callers share one write. */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing
    if (this.#pending.size === 0) return
    const batch = this.#pending
    this.#pending = new Map()
    this.#flushing = this.#write(batch).catch((error: unknown) => {
      // Put the counts back so the next flush carries them.
      for (const [source, tally] of batch) {
        const current = this.#tally(source, tally.lastReceivedAt)
        current.events += tally.events
        current.deadLetters += tally.deadLetters
        if (tally.lastEventAt && (!current.lastEventAt || tally.lastEventAt > current.lastEventAt))
          current.lastEventAt = tally.lastEventAt
      }
      throw error
    })
    try {
      await this.#flushing
    } finally {
      this.#flushing = undefined
    }
  }

  async #write(batch: Map<string, SourceTally>): Promise<void> {
    await this.store.transaction(async (trx) => {
      for (const [source, tally] of batch) {
        const lastEvent = tally.lastEventAt
        await trx
          .updateTable('sources')
          .set({
            events_total: sql`events_total + ${tally.events}`,
            dead_letters_total: sql`dead_letters_total + ${tally.deadLetters}`,
            last_received_at: sql`CASE WHEN last_received_at IS NULL OR last_received_at < ${tally.lastReceivedAt} THEN ${tally.lastReceivedAt} ELSE last_received_at END`,
            ...(lastEvent
              ? {
                  last_event_at: sql`CASE WHEN last_event_at IS NULL OR last_event_at < ${lastEvent} THEN ${lastEvent} ELSE last_event_at END`,
                }
              : {}),
          })
          .where('name', '=', source)
          .execute()
      }
    })
  }
}
