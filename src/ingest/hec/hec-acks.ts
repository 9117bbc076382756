/** Channels remembered at once; the least recently used is forgotten first. */
const MAX_CHANNELS = 10_000

/**
 * HEC indexer acknowledgement. Watchfloor answers a request only after its events are committed,
 * so every ackId it hands out is durable the moment the client sees it: a channel needs only the
 * next id to tell ids it issued (true) from ids it did not (false). Kept in memory, per node: a
 * client that polls another node, or this one after a restart, hears false and sends again
 * (duplicates, never loss), as with Splunk behind a load balancer without sticky sessions.
 */
export class HecAcks {
  readonly #nextId = new Map<string, number>()

  constructor(private readonly maxChannels = MAX_CHANNELS) {}

  /** The ackId for a request committed on `channel`. */
  issue(channel: string): number {
    const id = this.#nextId.get(channel) ?? 0
    this.#touch(channel, id + 1)
    return id
  }

  /** For each id asked about: whether it was issued on this channel. */
  status(channel: string, ids: readonly number[]): Record<string, boolean> {
    const next = this.#nextId.get(channel)
    if (next !== undefined) this.#touch(channel, next)
    const answer: Record<string, boolean> = {}
    for (const id of ids) answer[String(id)] = next !== undefined && id < next
    return answer
  }

  #touch(channel: string, next: number): void {
    this.#nextId.delete(channel)
    this.#nextId.set(channel, next)
    if (this.#nextId.size > this.maxChannels) {
      const oldest = this.#nextId.keys().next().value
      if (oldest !== undefined) this.#nextId.delete(oldest)
    }
  }
}
