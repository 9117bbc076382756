import type { Worker } from 'node:worker_threads'
import { OperationalError } from '../../core/errors.js'
import { utf8Text } from '../../core/utf8-text.js'
import { startWorker } from '../../core/worker-thread.js'
import type { ParseBatchRequest, RecordOutcome } from './parse-batch.js'

/** Where a submission's records are parsed: on the calling thread or in parse workers. */
export interface BatchParser {
  parse(request: ParseBatchRequest, bytes: number): Promise<RecordOutcome[]>
  /** False while the records waiting for a parser hold more bytes than allowed. */
  hasSpace(): boolean
  whenSpace(): Promise<void>
  close(): Promise<void>
}

/** Worker → pool: a batch's outcomes (see parse-worker.ts for `originalFromRaw`). */
export type ParseReply =
  | { id: number; outcomes: Array<RecordOutcome & { originalFromRaw?: true }> }
  | { id: number; error: string }

interface InFlight {
  request: ParseBatchRequest
  bytes: number
  resolve(outcomes: RecordOutcome[]): void
  reject(error: unknown): void
}

interface Slot {
  worker: Worker
  inFlight: Map<number, InFlight>
}

/**
 * Parses submissions in worker threads so that parsing (JSON.parse, normalisation and its
 * garbage) runs beside the main thread, which keeps receiving requests and appending to the
 * database. A batch goes to the least-loaded worker; results come back in submission order, so
 * the ingest queue sees a sender's batches in the order they arrived. Bytes waiting for a parser
 * are bounded like the queue's: over the bound, HTTP senders get 429 and streams stop reading.
 * A worker that dies fails only its own batches (nothing of them was acknowledged) and is
 * replaced on the next batch. Idle workers do not keep the process alive.
 */
export class ParsePool implements BatchParser {
  readonly #slots: Slot[] = []
  readonly #spaceWaiters: Array<() => void> = []
  #nextId = 1
  #pendingBytes = 0
  #ordered: Promise<unknown> = Promise.resolve()
  #closed = false

  constructor(
    private readonly size: number,
    private readonly maxPendingBytes: number,
    /** Heap bound of each worker: one that runs out fails its batches and is replaced. */
    private readonly maxHeapMb = 1024,
  ) {
    if (size < 1) throw new Error('a parse pool needs at least one worker')
  }

  hasSpace(): boolean {
    return this.#pendingBytes < this.maxPendingBytes
  }

  whenSpace(): Promise<void> {
    if (this.hasSpace()) return Promise.resolve()
    return new Promise((resolve) => this.#spaceWaiters.push(resolve))
  }

  parse(request: ParseBatchRequest, bytes: number): Promise<RecordOutcome[]> {
    if (this.#closed) return Promise.reject(new OperationalError('ingest_closed', 'ingest is shutting down'))
    const result = new Promise<RecordOutcome[]>((resolve, reject) => {
      const slot = this.#leastLoaded()
      const id = this.#nextId++
      this.#pendingBytes += bytes
      if (slot.inFlight.size === 0) slot.worker.ref()
      const waiting = { request, bytes, resolve, reject }
      slot.inFlight.set(id, waiting)
      try {
        slot.worker.postMessage({ id, request: asText(request) })
      } catch (error) {
        // Records that cannot be copied to a worker (never JSON data): this batch fails alone.
        this.#finish(slot, id, waiting, () => reject(error))
      }
    })
    // Delivered in order: a batch parsed quickly in one worker waits for an earlier, slower one.
    const ordered = this.#ordered.then(
      () => result,
      () => result,
    )
    this.#ordered = ordered.catch(() => {})
    return ordered
  }

  async close(): Promise<void> {
    this.#closed = true
    await this.#ordered
    await Promise.all(this.#slots.splice(0).map((slot) => slot.worker.terminate()))
  }

  #leastLoaded(): Slot {
    let best: Slot | undefined
    for (const slot of this.#slots)
      if (best === undefined || slot.inFlight.size < best.inFlight.size) best = slot
    if (best !== undefined && (best.inFlight.size === 0 || this.#slots.length >= this.size)) return best
    return this.#start()
  }

  #start(): Slot {
    const worker = startWorker(import.meta.url, 'parse-worker', {
      resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb },
    })
    const slot: Slot = { worker, inFlight: new Map() }
    worker.unref()
    worker.on('message', (reply: ParseReply) => this.#settle(slot, reply))
    const fail = (cause: unknown) => {
      const index = this.#slots.indexOf(slot)
      if (index >= 0) this.#slots.splice(index, 1)
      const error = new OperationalError(
        'ingest_parse_failed',
        'a parse worker stopped; nothing of this batch was stored, send it again',
        [],
        { cause },
      )
      for (const [id, waiting] of slot.inFlight) this.#finish(slot, id, waiting, () => waiting.reject(error))
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`parse worker exited with code ${code}`)))
    this.#slots.push(slot)
    return slot
  }

  #settle(slot: Slot, reply: ParseReply): void {
    const waiting = slot.inFlight.get(reply.id)
    if (waiting === undefined) return
    this.#finish(slot, reply.id, waiting, () => {
      if ('error' in reply) {
        waiting.reject(new OperationalError('ingest_parse_failed', `parsing failed: ${reply.error}`))
        return
      }
      const { records } = waiting.request
      const outcomes: RecordOutcome[] = reply.outcomes
      for (let index = 0; index < outcomes.length; index++) {
        const outcome = reply.outcomes[index]!
        if (outcome.originalFromRaw && 'events' in outcome) {
          const raw = records[index]!.raw as string | Uint8Array
          if (typeof raw === 'string') outcome.events[0]!.originalJson = raw
          else outcome.events[0]!.originalBytes = raw
          outcomes[index] = { events: outcome.events }
        }
      }
      waiting.resolve(outcomes)
    })
  }

  #finish(slot: Slot, id: number, waiting: InFlight, settle: () => void): void {
    slot.inFlight.delete(id)
    if (slot.inFlight.size === 0) slot.worker.unref()
    this.#pendingBytes -= waiting.bytes
    settle()
    while (this.hasSpace() && this.#spaceWaiters.length > 0) this.#spaceWaiters.shift()!()
  }
}

/**
 * The request with records held as bytes decoded to text: a view posted to a worker would copy
 * the whole buffer it is a view of (the request body) once per record.
 */
function asText(request: ParseBatchRequest): ParseBatchRequest {
  if (!request.records.some((record) => record.raw instanceof Uint8Array)) return request
  return {
    ...request,
    records: request.records.map((record) =>
      record.raw instanceof Uint8Array ? { ...record, raw: utf8Text(record.raw) } : record,
    ),
  }
}
