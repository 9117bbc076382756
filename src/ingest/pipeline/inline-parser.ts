import { setImmediate as nextTurn } from 'node:timers/promises'
import { type ParseBatchRequest, parseRecords, type RecordOutcome } from './parse-batch.js'
import type { BatchParser } from './parse-pool.js'
import type { ParseRecord } from './parse-port.js'

/** Records parsed between two looks at the clock. */
const SLICE_RECORDS = 32
/** Longest stretch of parsing before the event loop gets a turn. */
const SLICE_MS = 2

/**
 * Parsing on the main thread (the default: on two cores, a parse worker cost more in copying
 * than it saved), in slices that give the event loop a turn every SLICE_MS.
 *
 * Why slices: a 1,000-event request of 3 KB Windows events parses in about 10 ms. Parsed in one
 * go, every I/O completion that arrived meanwhile (a journal write, a DuckDB BEGIN or COMMIT, a
 * socket read) waited for the end of it, and an append awaits a dozen of those in a row. Timed in
 * the server under bench:ingest's HTTP load, a BEGIN took 10–17 ms and a journal write 50–75 ms,
 * nearly all of it waiting for the main thread.
 *
 * Submissions are parsed one after the other, in the order they came, so a sender's batches
 * reach the ingest queue in the order they arrived.
 */
export function inlineBatchParser(parse: ParseRecord): BatchParser {
  let previous: Promise<unknown> = Promise.resolve()
  return {
    parse(request) {
      const parsed = previous.then(() => parseInSlices(parse, request))
      previous = parsed.catch(() => {})
      return parsed
    },
    hasSpace: () => true,
    whenSpace: () => Promise.resolve(),
    close: () => previous.then(() => {}),
  }
}

async function parseInSlices(parse: ParseRecord, request: ParseBatchRequest): Promise<RecordOutcome[]> {
  const { records } = request
  if (records.length <= SLICE_RECORDS) return parseRecords(parse, request)
  const outcomes: RecordOutcome[] = []
  let sliceStart = performance.now()
  for (let start = 0; start < records.length; start += SLICE_RECORDS) {
    const slice = parseRecords(parse, { ...request, records: records.slice(start, start + SLICE_RECORDS) })
    for (const outcome of slice) outcomes.push(outcome)
    if (performance.now() - sliceStart >= SLICE_MS && start + SLICE_RECORDS < records.length) {
      await nextTurn()
      sliceStart = performance.now()
    }
  }
  return outcomes
}
