import { sql } from 'kysely'
import type { Store } from '../../store/store.js'
import { encodeRaw } from './dead-letter.js'
import type { CommitBatch } from './ingest-queue.js'

interface SourceTally {
  events: number
  deadLetters: number
  lastEventAt: Date | null
}

/**
 * Writes one group of submissions: all their events in one append, their dead letters, and the
 * per-source counters and last-seen times. Returns each submission's sequence numbers.
 */
export function createBatchCommitter(store: Store): CommitBatch {
  return async (submissions) => {
    const events = submissions.flatMap((submission) => submission.events)
    const seqs = await store.events.append(events)

    const deadLetters = submissions.flatMap((submission) => submission.deadLetters)
    if (deadLetters.length > 0) {
      await store.db
        .insertInto('dead_letters')
        .values(
          deadLetters.map((letter) => {
            const raw = encodeRaw(letter.raw)
            return {
              received_at: letter.receivedAt,
              source: letter.source,
              parser: letter.parser,
              input: letter.input,
              reason: letter.reason.slice(0, 2_000),
              location: letter.location,
              raw: raw.raw,
              raw_encoding: raw.encoding,
              raw_truncated: raw.truncated,
              context: letter.context ? JSON.stringify(letter.context) : null,
            }
          }),
        )
        .execute()
    }

    const tallies = new Map<string, SourceTally>()
    for (const event of events) {
      const tally = tallies.get(event.source) ?? { events: 0, deadLetters: 0, lastEventAt: null }
      tally.events += 1
      if (!tally.lastEventAt || event.timestamp > tally.lastEventAt) tally.lastEventAt = event.timestamp
      tallies.set(event.source, tally)
    }
    for (const letter of deadLetters) {
      const tally = tallies.get(letter.source) ?? { events: 0, deadLetters: 0, lastEventAt: null }
      tally.deadLetters += 1
      tallies.set(letter.source, tally)
    }
    const now = new Date()
    for (const [source, tally] of tallies) {
      const lastEvent = tally.lastEventAt ?? now
      await store.db
        .updateTable('sources')
        .set({
          events_total: sql`events_total + ${tally.events}`,
          dead_letters_total: sql`dead_letters_total + ${tally.deadLetters}`,
          last_received_at: now,
          ...(tally.events > 0
            ? {
                last_event_at: sql`CASE WHEN last_event_at IS NULL OR last_event_at < ${lastEvent} THEN ${lastEvent} ELSE last_event_at END`,
              }
            : {}),
        })
        .where('name', '=', source)
        .execute()
    }

    let offset = 0
    return submissions.map((submission) => {
      const slice = seqs.slice(offset, offset + submission.events.length)
      offset += submission.events.length
      return slice
    })
  }
}
