import { parentPort } from 'node:worker_threads'
import { parseRecord } from '../parsing.js'
import { type ParseBatchRequest, parseRecords } from './parse-batch.js'
import type { ParseReply } from './parse-pool.js'

/**
 * Parse worker entry (see ParsePool). A JSON line stored as received is not copied back: the
 * reply says `originalFromRaw` and the main thread puts its own copy of the line in place.
 */
parentPort!.on('message', ({ id, request }: { id: number; request: ParseBatchRequest }) => {
  let reply: ParseReply
  try {
    const outcomes: Extract<ParseReply, { outcomes: unknown }>['outcomes'] = parseRecords(
      parseRecord,
      request,
    )
    for (let index = 0; index < outcomes.length; index++) {
      const outcome = outcomes[index]!
      const raw = request.records[index]!.raw
      if ('events' in outcome && outcome.events.length === 1 && outcome.events[0]!.originalJson === raw) {
        outcome.events[0]!.originalJson = undefined
        outcome.originalFromRaw = true
      }
    }
    reply = { id, outcomes }
  } catch (error) {
    reply = { id, error: (error as Error).message }
  }
  parentPort!.postMessage(reply)
})
