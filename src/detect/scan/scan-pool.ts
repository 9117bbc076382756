import type { Worker } from 'node:worker_threads'
import { startWorker } from '../../core/worker-thread.js'
import type { ReadProgress } from '../../ingest/files/read-progress.js'
import type { FoundFile } from '../../ingest/files/walk-paths.js'
import type { ScanBatchResult, ScanWorkerMessage, ScanWorkerSetup } from './scan-protocol.js'

/** What the workers loaded (every worker loads the same rules; the first one's report is kept). */
export type ScanLoadReport = Extract<ScanWorkerMessage, { kind: 'loaded' }>

export interface ScanPoolOptions {
  threads: number
  setup: ScanWorkerSetup
  /** Bytes read by all the workers over the size of all the files. */
  onProgress?: ((progress: Readonly<ReadProgress>) => void) | undefined
}

/**
 * Matches for batches of other files than the one being written, held at most: a worker that
 * finished a file waits for the output to catch up rather than fill memory with later results.
 */
const MAX_BUFFERED_HITS = 100_000

interface Slot {
  worker: Worker
  ready: boolean
  busy: boolean
}

/**
 * `watchfloor scan` on several threads: each worker loads the rules and reads and matches whole
 * files, the next file going to the first idle worker. Results come back in file order, batch by
 * batch, so the findings, the summary and the correlations (which run in the calling thread, over
 * every file in order) are the same as a scan on one thread. A file is the unit of work: an
 * archive or a large log is read by one worker.
 */
export class ScanPool {
  readonly #files: readonly FoundFile[]
  readonly #slots: Slot[] = []
  readonly #queues: ScanBatchResult[][]
  readonly #finished: boolean[]
  readonly #progress: ReadProgress
  readonly #onProgress: ScanPoolOptions['onProgress']
  readonly #loaded: Promise<ScanLoadReport>
  #reportLoaded!: (report: ScanLoadReport) => void
  #loadFailed!: (error: Error) => void
  #nextFile = 0
  #current = 0
  #bufferedHits = 0
  #failure: Error | undefined
  #wake: (() => void) | undefined
  #closing = false

  constructor(files: readonly FoundFile[], options: ScanPoolOptions) {
    this.#files = files
    this.#queues = files.map(() => [])
    this.#finished = files.map(() => false)
    this.#onProgress = options.onProgress
    this.#progress = {
      bytesDone: 0,
      bytesTotal: files.reduce((sum, file) => sum + file.size, 0),
      file: files[0]?.path ?? '',
    }
    this.#loaded = new Promise((resolve, reject) => {
      this.#reportLoaded = resolve
      this.#loadFailed = reject
    })
    // A failure after loading is reported by `results()`; this one may never be awaited.
    this.#loaded.catch(() => {})
    const threads = Math.max(1, Math.min(options.threads, files.length))
    for (let index = 0; index < threads; index++) this.#start(options.setup)
  }

  /** The rules the workers loaded, once the first of them has. */
  loaded(): Promise<ScanLoadReport> {
    return this.#loaded
  }

  /** Every batch of every file, in file order, as soon as it and all before it are ready. */
  async *results(): AsyncGenerator<ScanBatchResult> {
    while (this.#current < this.#files.length) {
      if (this.#failure !== undefined) throw this.#failure
      const queue = this.#queues[this.#current]!
      const next = queue.shift()
      if (next !== undefined) {
        this.#bufferedHits -= next.hits.length
        yield next
        continue
      }
      if (this.#finished[this.#current]) {
        this.#current += 1
        this.#progress.file = this.#files[this.#current]?.path ?? this.#progress.file
        this.#assign()
        continue
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve
      })
    }
  }

  async close(): Promise<void> {
    this.#closing = true
    await Promise.all(this.#slots.map((slot) => slot.worker.terminate()))
  }

  #start(setup: ScanWorkerSetup): void {
    const worker = startWorker(import.meta.url, 'scan-worker', { workerData: setup })
    const slot: Slot = { worker, ready: false, busy: false }
    worker.on('message', (message: ScanWorkerMessage) => this.#receive(slot, message))
    worker.on('error', (error) => this.#fail(error))
    worker.on('exit', (code) => {
      if (!this.#closing) this.#fail(new Error(`a scan worker stopped (exit code ${code})`))
    })
    this.#slots.push(slot)
  }

  #receive(slot: Slot, message: ScanWorkerMessage): void {
    switch (message.kind) {
      case 'loaded':
        this.#reportLoaded(message)
        slot.ready = true
        this.#assign()
        return
      case 'batch': {
        const { kind: _kind, file, bytes, ...result } = message
        this.#queues[file]!.push(result)
        this.#bufferedHits += result.hits.length
        if (bytes > 0) {
          this.#progress.bytesDone += bytes
          this.#onProgress?.(this.#progress)
        }
        break
      }
      case 'done':
        this.#finished[message.file] = true
        slot.busy = false
        this.#assign()
        break
      case 'failed':
        this.#fail(new Error(`a scan worker failed: ${message.message}`))
        return
    }
    this.#wakeUp()
  }

  /** Gives the next files to idle workers, unless the output is too far behind. */
  #assign(): void {
    for (const slot of this.#slots) {
      if (!slot.ready || slot.busy || this.#nextFile >= this.#files.length) continue
      if (this.#nextFile > this.#current && this.#bufferedHits > MAX_BUFFERED_HITS) return
      const file = this.#nextFile++
      slot.busy = true
      slot.worker.postMessage({ file, path: this.#files[file]!.path })
    }
  }

  #fail(error: Error): void {
    this.#failure ??= error
    this.#loadFailed(this.#failure)
    this.#wakeUp()
  }

  #wakeUp(): void {
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }
}
