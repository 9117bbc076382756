import type { Worker } from 'node:worker_threads'
import { startWorker } from '../../core/worker-thread.js'
import type { CodecReply, CodecRequest } from './block-compressor-worker.js'

interface Waiting {
  resolve(bytes: Buffer): void
  reject(error: unknown): void
}

/** Raw block buffers kept for reuse: a batch's blocks and the next batch's. */
const POOLED_BUFFERS = 16
/** A buffer larger than this (a block made by one huge original) is not kept. */
const MAX_POOLED_BYTES = 4 << 20

/**
 * Compresses the originals journal's blocks in a worker thread of its own, with the synchronous
 * zlib call, and hands the raw block buffers back for reuse; decompresses the blocks read back.
 *
 * Why not zlib's async API (libuv's thread pool): each call made a new Brotli encoder in one of
 * four pool threads, and its buffers (a hash table zeroed for every 128 KiB of input) came from
 * fresh pages. A perf profile of bench:ingest's HTTP phase found the pool threads spending 7.5 µs
 * of CPU per event there, 70 % of it in memset and page faults, against 1.7 µs for the same blocks
 * compressed synchronously on one thread. The pool is also what DuckDB's queries and fs calls
 * wait for. Raw blocks are transferred, not copied, both ways; reusing them spares the main thread
 * the page faults of a fresh megabyte per block. Decompressing in the pool likewise cost 1.7-2.3 µs
 * per event against 0.95 synchronously (`.prof/dec.ts`, OTRF blocks).
 */
export class BlockCompressor {
  #worker: Worker | undefined
  readonly #waiting = new Map<number, Waiting>()
  readonly #pool: ArrayBuffer[] = []
  #nextId = 1

  /** `bufferBytes`: the capacity of a new raw block buffer, so that most blocks fit one from the pool. */
  constructor(private readonly bufferBytes: number) {}

  /** A buffer of `size` bytes for a raw block (from the pool when one is big enough). */
  take(size: number): Buffer {
    const index = this.#pool.findIndex((buffer) => buffer.byteLength >= size)
    const buffer =
      index >= 0 ? this.#pool.splice(index, 1)[0]! : new ArrayBuffer(Math.max(size, this.bufferBytes))
    return Buffer.from(buffer, 0, size)
  }

  /** `raw` compressed. `raw` (from `take`) is handed over: its caller must not use it again. */
  compress(raw: Buffer): Promise<Buffer> {
    const view = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)
    return this.#send((id) => ({ id, op: 'compress', raw: view }), [raw.buffer as ArrayBuffer])
  }

  /**
   * A block's `rawLength` bytes from its compressed bytes, which are handed over (the caller must
   * not use them again).
   */
  decompress(compressed: Buffer, rawLength: number): Promise<Buffer> {
    const view = new Uint8Array(compressed.buffer, compressed.byteOffset, compressed.byteLength)
    // Only a buffer of its own moves: a view of a shared pool buffer is copied.
    const own = compressed.byteOffset === 0 && compressed.byteLength === compressed.buffer.byteLength
    return this.#send(
      (id) => ({ id, op: 'decompress', compressed: view, rawLength }),
      own ? [compressed.buffer as ArrayBuffer] : [],
    )
  }

  #send(request: (id: number) => CodecRequest, transfer: ArrayBuffer[]): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const worker = this.#worker ?? this.#start()
      const id = this.#nextId++
      if (this.#waiting.size === 0) worker.ref()
      this.#waiting.set(id, { resolve, reject })
      worker.postMessage(request(id), transfer)
    })
  }

  async close(): Promise<void> {
    const worker = this.#worker
    this.#worker = undefined
    this.#pool.length = 0
    await worker?.terminate()
  }

  #start(): Worker {
    const worker = startWorker(import.meta.url, 'block-compressor-worker')
    this.#worker = worker
    worker.unref()
    worker.on('message', (reply: CodecReply) => this.#settle(reply))
    const fail = (cause: unknown) => {
      if (this.#worker === worker) this.#worker = undefined
      const error = new Error('the originals journal compressor stopped; this batch was not stored', {
        cause,
      })
      for (const waiting of this.#waiting.values()) waiting.reject(error)
      this.#waiting.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`compressor exited with code ${code}`)))
    return worker
  }

  #settle(reply: CodecReply): void {
    const waiting = this.#waiting.get(reply.id)
    if (waiting === undefined) return
    this.#waiting.delete(reply.id)
    if (this.#waiting.size === 0) this.#worker?.unref()
    if (reply.op === 'compress' && reply.raw !== undefined) {
      const raw = reply.raw.buffer as ArrayBuffer
      if (this.#pool.length < POOLED_BUFFERS && raw.byteLength <= MAX_POOLED_BYTES) this.#pool.push(raw)
    }
    if ('error' in reply)
      waiting.reject(new Error(`${reply.op}ing an originals block failed: ${reply.error}`))
    else {
      const bytes = reply.op === 'compress' ? reply.compressed : reply.raw
      waiting.resolve(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    }
  }
}
