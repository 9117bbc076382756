/** A FIFO async mutex: `await lock()` then `unlock()` exactly once. */
export class Mutex {
  #locked = false
  readonly #waiters: Array<() => void> = []

  async lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true
      return
    }
    await new Promise<void>((resolve) => this.#waiters.push(resolve))
  }

  unlock(): void {
    const next = this.#waiters.shift()
    if (next) next()
    else this.#locked = false
  }
}
