/**
 * Slows password guessing: after `maxFailures` failed logins for one username from one address
 * within `windowMs`, further attempts are refused until the window has passed. In memory, per
 * node: enough to make online guessing against a scrypt hash hopeless.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, { count: number; firstAt: number }>()

  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 15 * 60_000,
  ) {}

  blockedFor(key: string, now = Date.now()): number {
    const entry = this.#failures.get(key)
    if (!entry) return 0
    if (now - entry.firstAt > this.windowMs) {
      this.#failures.delete(key)
      return 0
    }
    return entry.count >= this.maxFailures ? entry.firstAt + this.windowMs - now : 0
  }

  recordFailure(key: string, now = Date.now()): void {
    const entry = this.#failures.get(key)
    if (!entry || now - entry.firstAt > this.windowMs) this.#failures.set(key, { count: 1, firstAt: now })
    else entry.count += 1
    if (this.#failures.size > 100_000) this.#failures.clear()
  }

  reset(key: string): void {
    this.#failures.delete(key)
  }
}
