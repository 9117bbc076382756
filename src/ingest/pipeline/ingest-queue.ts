import { OperationalError, UserError } from '../../core/errors.js'
import type { StoredEvent } from '../../core/event.js'
import type { NewDeadLetter } from './dead-letter.js'

/** One submission from one sender: acknowledged together once its events are committed. */
export interface Submission {
  events: StoredEvent[]
  deadLetters: NewDeadLetter[]
  /** Bytes of input this submission came from, for the queue's memory bound. */
  bytes: number
}

export interface CommitOutcome {
  /** Sequence numbers of the submission's events, in order. */
  seqs: number[]
}

export interface QueueLimits {
  /** Events waiting to be committed, across all senders. */
  maxEvents: number
  /** Bytes of input waiting to be committed. */
  maxBytes: number
  /** Most events written in one transaction. */
  maxBatchEvents: number
  /**
   * Batches being written at once (default 1). More than one only where the store keeps
   * overlapping appends' sequence numbers visible in order (see `EventStore.concurrentAppends`).
   */
  concurrentBatches?: number
}

export const DEFAULT_QUEUE_LIMITS: QueueLimits = {
  maxEvents: 200_000,
  maxBytes: 256 * 1024 * 1024,
  maxBatchEvents: 20_000,
}

export class QueueFullError extends UserError {
  constructor(readonly retryAfterSeconds: number) {
    super('ingest_queue_full', 'the ingest queue is full; retry after a moment', { status: 429 })
  }
}

export class IngestUnavailableError extends OperationalError {
  constructor(cause: unknown) {
    super(
      'ingest_commit_failed',
      'events could not be committed; nothing was acknowledged, send them again',
      [],
      { cause },
    )
  }
}

interface Pending extends Submission {
  resolve(outcome: CommitOutcome): void
  reject(error: unknown): void
}

export type CommitBatch = (submissions: readonly Submission[]) => Promise<number[][]>

/**
 * The bounded queue between inputs and the database, with group commit: while one transaction
 * is being written, new submissions gather and go together in the next one (with
 * `concurrentBatches` > 1, the next batch is prepared while the one before commits). A submission's
 * promise resolves only after its transaction committed: that is the moment an input may
 * acknowledge its sender. When the queue is full, `offer` refuses (HTTP answers 429) and
 * `whenSpace` lets stream inputs stop reading (TCP backpressure).
 */
export class IngestQueue {
  readonly #pending: Pending[] = []
  readonly #spaceWaiters: Array<() => void> = []
  #queuedEvents = 0
  #queuedBytes = 0
  #inFlight = 0
  readonly #idleWaiters: Array<() => void> = []
  #closed = false

  constructor(
    private readonly commitBatch: CommitBatch,
    private readonly limits: QueueLimits = DEFAULT_QUEUE_LIMITS,
    private readonly onCommitted: (stats: {
      events: number
      submissions: number
      ms: number
    }) => void = () => {},
  ) {}

  get depth(): number {
    return this.#queuedEvents
  }

  get queuedBytes(): number {
    return this.#queuedBytes
  }

  hasSpace(): boolean {
    return this.#queuedEvents < this.limits.maxEvents && this.#queuedBytes < this.limits.maxBytes
  }

  /** Resolves when the submission is committed; throws QueueFullError at once when full. */
  offer(submission: Submission): Promise<CommitOutcome> {
    if (this.#closed)
      return Promise.reject(new UserError('shutting_down', 'the server is shutting down', { status: 503 }))
    if (!this.hasSpace()) return Promise.reject(new QueueFullError(1))
    return this.#enqueue(submission)
  }

  /** Waits for room, then enqueues: for inputs that can slow their sender down instead of refusing. */
  async offerWhenSpace(submission: Submission): Promise<CommitOutcome> {
    while (!this.hasSpace() && !this.#closed)
      await new Promise<void>((resolve) => this.#spaceWaiters.push(resolve))
    return this.offer(submission)
  }

  /** Stops accepting and commits everything already accepted. */
  async drain(): Promise<void> {
    this.#closed = true
    while (this.#inFlight > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve))
    for (const wake of this.#spaceWaiters.splice(0)) wake()
  }

  #enqueue(submission: Submission): Promise<CommitOutcome> {
    return new Promise<CommitOutcome>((resolve, reject) => {
      this.#pending.push({ ...submission, resolve, reject })
      this.#queuedEvents += submission.events.length + submission.deadLetters.length
      this.#queuedBytes += submission.bytes
      this.#startBatches()
    })
  }

  /** Starts writing pending submissions while fewer than `concurrentBatches` batches are being written. */
  #startBatches(): void {
    const limit = this.limits.concurrentBatches ?? 1
    while (this.#pending.length > 0 && this.#inFlight < limit) {
      const batch = this.#takeBatch()
      this.#inFlight += 1
      void this.#commit(batch).finally(() => {
        this.#inFlight -= 1
        this.#startBatches()
        if (this.#inFlight === 0) for (const wake of this.#idleWaiters.splice(0)) wake()
      })
    }
  }

  async #commit(batch: Pending[]): Promise<void> {
    const started = performance.now()
    let outcome: number[][] | undefined
    let failure: unknown
    try {
      outcome = await this.commitBatch(batch)
    } catch (error) {
      failure = error
    }
    this.#release(batch)
    if (outcome) {
      this.onCommitted({
        events: batch.reduce((n, s) => n + s.events.length, 0),
        submissions: batch.length,
        ms: performance.now() - started,
      })
      for (const [index, submission] of batch.entries()) submission.resolve({ seqs: outcome[index] ?? [] })
    } else {
      const error = new IngestUnavailableError(failure)
      for (const submission of batch) submission.reject(error)
    }
  }

  #takeBatch(): Pending[] {
    let events = 0
    let count = 0
    while (count < this.#pending.length) {
      const next = this.#pending[count]!
      if (count > 0 && events + next.events.length > this.limits.maxBatchEvents) break
      events += next.events.length
      count += 1
    }
    return this.#pending.splice(0, count)
  }

  #release(batch: Pending[]): void {
    for (const submission of batch) {
      this.#queuedEvents -= submission.events.length + submission.deadLetters.length
      this.#queuedBytes -= submission.bytes
    }
    while (this.hasSpace() && this.#spaceWaiters.length > 0) this.#spaceWaiters.shift()!()
  }
}
