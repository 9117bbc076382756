/**
 * A pull reader over a stream of Buffers: look at the first bytes without consuming them (format
 * detection), read exact-size blocks (EVTX chunks, tar headers) or pass the chunks on as they come
 * (line splitting). Chunks are handed on without copying wherever possible.
 */
export class ByteReader {
  private readonly iterator: AsyncIterator<Buffer>
  /** Bytes pulled from the source but not yet consumed, in order. */
  private pending: Buffer[] = []
  private pendingBytes = 0
  private ended = false
  /** An error from the source, kept until the bytes before it have been consumed. */
  private failure: { error: unknown } | undefined

  constructor(source: AsyncIterable<Buffer>) {
    this.iterator = source[Symbol.asyncIterator]()
  }

  /**
   * Up to `size` bytes from the current position, left unconsumed; fewer only at the end. A
   * source error is not raised here but once the bytes before it have been read.
   */
  async peek(size: number): Promise<Buffer> {
    while (this.pendingBytes < size && (await this.pull())) {}
    return this.joined(Math.min(size, this.pendingBytes), false)
  }

  /** Exactly `size` bytes, or fewer at the end of the stream (an empty buffer once at the end). */
  async read(size: number): Promise<Buffer> {
    while (this.pendingBytes < size && (await this.pull())) {}
    if (this.pendingBytes < size) this.raiseFailure()
    return this.joined(Math.min(size, this.pendingBytes), true)
  }

  /** Skips `size` bytes; returns how many were skipped (fewer at the end of the stream). */
  async skip(size: number): Promise<number> {
    let left = size
    for await (const piece of this.take(size)) left -= piece.length
    return size - left
  }

  /** The next `size` bytes as a stream of pieces (a tar member's content). */
  async *take(size: number): AsyncGenerator<Buffer> {
    let left = size
    while (left > 0) {
      if (this.pendingBytes === 0 && !(await this.pull())) {
        this.raiseFailure()
        return
      }
      const piece = this.joined(Math.min(left, this.pending[0]?.length ?? 0), true)
      left -= piece.length
      yield piece
    }
  }

  /** Every remaining chunk, as it comes from the source. */
  async *chunks(): AsyncGenerator<Buffer> {
    while (this.pending.length > 0) {
      const head = this.pending.shift()!
      this.pendingBytes -= head.length
      yield head
    }
    while (await this.pull()) {
      const head = this.pending.shift()
      if (head === undefined) continue
      this.pendingBytes -= head.length
      yield head
    }
    this.raiseFailure()
  }

  /** Stops the source early (closes the file); safe to call more than once. */
  async close(): Promise<void> {
    this.pending = []
    this.pendingBytes = 0
    if (this.ended) return
    this.ended = true
    await this.iterator.return?.()
  }

  private async pull(): Promise<boolean> {
    if (this.ended) return false
    let next: IteratorResult<Buffer>
    try {
      next = await this.iterator.next()
    } catch (error) {
      this.ended = true
      this.failure = { error }
      return false
    }
    if (next.done) {
      this.ended = true
      return false
    }
    if (next.value.length > 0) {
      this.pending.push(next.value)
      this.pendingBytes += next.value.length
    }
    return true
  }

  private raiseFailure(): void {
    const failure = this.failure
    if (failure === undefined) return
    this.failure = undefined
    throw failure.error
  }

  private joined(size: number, consume: boolean): Buffer {
    if (size === 0) return Buffer.alloc(0)
    if ((this.pending[0]?.length ?? 0) < size) this.pending = [Buffer.concat(this.pending, this.pendingBytes)]
    const first = this.pending[0]!
    const result = first.subarray(0, size)
    if (consume) {
      if (first.length === size) this.pending.shift()
      else this.pending[0] = first.subarray(size)
      this.pendingBytes -= size
    }
    return result
  }
}
