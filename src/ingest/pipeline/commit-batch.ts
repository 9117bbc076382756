import type { Store } from '../../store/store.js'
import { encodeRaw } from './dead-letter.js'
import type { CommitBatch } from './ingest-queue.js'
import type { SourceStats } from './source-stats.js'

/**
 * Writes one group of submissions: all their events in one append and their dead letters, then
 * hands the per-source counts to `stats`. Returns each submission's sequence numbers.
 */
export function createBatchCommitter(store: Store, stats: SourceStats): CommitBatch {
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

    stats.record(events, deadLetters)

    let offset = 0
    return submissions.map((submission) => {
      const slice = seqs.slice(offset, offset + submission.events.length)
      offset += submission.events.length
      return slice
    })
  }
}
