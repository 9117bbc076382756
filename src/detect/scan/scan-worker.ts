import { parentPort, workerData } from 'node:worker_threads'
import { readEventFileBatches } from '../../ingest/files/read-event-files.js'
import { loadRules, type RuleMatch } from '../sigma/index.js'
import { ScanEngine, type ScanMatch } from './scan-engine.js'
import { type ScanReadStats, scanEvents } from './scan-events.js'
import type { ScanBatchResult, ScanTask, ScanWorkerMessage, ScanWorkerSetup } from './scan-protocol.js'

/**
 * Scan worker entry (see ScanPool): loads the rules, then reads and matches the files it is
 * given, one at a time, and sends each batch's matches back. Correlations run in the main
 * thread, over every file in order; a match carries its event only when a correlation needs it.
 */
const port = parentPort!
const post = (message: ScanWorkerMessage) => port.postMessage(message)
const setup = workerData as ScanWorkerSetup

const loaded = await loadRules(setup.rulePaths, { placeholders: setup.placeholders })
const engine = new ScanEngine(loaded.rules, loaded.correlations, { unmappedRules: setup.unmappedRules })
post({
  kind: 'loaded',
  rules: loaded.rules.length,
  correlations: loaded.correlations,
  errors: loaded.errors.map((error) => error.message),
})

let queue = Promise.resolve()
port.on('message', (task: ScanTask) => {
  queue = queue
    .then(() => scanFile(task))
    .catch((error: unknown) => {
      post({
        kind: 'failed',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      })
    })
})

/** Events sent in one message at most: the reader's batches are small (a chunk of a file each). */
const EVENTS_PER_MESSAGE = 4_096

async function scanFile(task: ScanTask): Promise<void> {
  const stats: ScanReadStats = { events: 0, problems: [] }
  let bytesRead = 0
  let bytesSent = 0
  let pending: ScanBatchResult = { events: 0, problems: [], hits: [] }
  const send = () => {
    post({ kind: 'batch', file: task.file, bytes: bytesRead - bytesSent, ...pending })
    bytesSent = bytesRead
    pending = { events: 0, problems: [], hits: [] }
  }
  const onProgress = ({ bytesDone }: { bytesDone: number }) => {
    bytesRead = bytesDone
  }
  for await (const batch of scanEvents(readEventFileBatches([task.path], { onProgress }), stats)) {
    for (let index = 0; index < batch.length; index++) {
      const { event, where } = batch[index]!
      const matches = engine.detector.match(event)
      if (matches.length > 0)
        pending.hits.push({ offset: pending.events + index, where, matches: matches.map(portable) })
    }
    pending.events += batch.length
    pending.problems.push(...stats.problems.splice(0))
    if (pending.events >= EVENTS_PER_MESSAGE) send()
  }
  // The reader settles a file's byte count after its last batch.
  send()
  post({ kind: 'done', file: task.file })
}

/** A match without its compiled rule (closures do not cross threads), with its event if a correlation reads it. */
function portable(match: RuleMatch): ScanMatch {
  return {
    ruleId: match.ruleId,
    ruleName: match.ruleName,
    title: match.title,
    level: match.level,
    tags: match.tags,
    matchedFields: match.matchedFields,
    timestamp: match.timestamp,
    event: engine.correlator.refersTo(match.ruleId, match.ruleName) ? match.event : undefined,
  }
}
