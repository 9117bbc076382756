import type { AlertRow } from '../store/schema.js'

export const ALERT_STREAM_EVENTS = ['alert.created', 'alert.updated', 'alert.sla_breach'] as const
export type AlertStreamEventType = (typeof ALERT_STREAM_EVENTS)[number]

export interface AlertStreamEvent {
  /** `<process epoch>-<sequence>`: a client sends the last one back as Last-Event-ID to resume. */
  id: string
  type: AlertStreamEventType
  data: Record<string, unknown>
}

/** Where alert changes are announced once committed; the alert services depend only on this. */
export interface AlertEventSink {
  publish(type: AlertStreamEventType, data: Record<string, unknown>): void
}

export type AlertStreamListener = (event: AlertStreamEvent) => void

/**
 * The live alert stream of this process: committed alert changes fanned out to server-sent-event
 * subscribers, with the last `capacity` events kept so a reconnecting client misses nothing.
 * Per node: a change made on another node (another process on the same PostgreSQL) is not seen
 * here; the console reloads the list when it cannot resume.
 */
export class AlertStream implements AlertEventSink {
  readonly #epoch = Date.now().toString(36)
  #sequence = 0
  readonly #recent: AlertStreamEvent[] = []
  readonly #listeners = new Set<AlertStreamListener>()

  constructor(
    private readonly capacity = 1_000,
    /** How often an idle stream sends a comment, so proxies and clients know it is alive. */
    readonly heartbeatMs = 15_000,
  ) {}

  publish(type: AlertStreamEventType, data: Record<string, unknown>): void {
    this.#sequence += 1
    const event: AlertStreamEvent = { id: `${this.#epoch}-${this.#sequence}`, type, data }
    this.#recent.push(event)
    if (this.#recent.length > this.capacity) this.#recent.shift()
    for (const listener of this.#listeners) listener(event)
  }

  subscribe(listener: AlertStreamListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  get subscribers(): number {
    return this.#listeners.size
  }

  /**
   * The events after `lastEventId`, or undefined when they are no longer all here (another
   * process gave out that id, or more than `capacity` events happened since).
   */
  since(lastEventId: string): AlertStreamEvent[] | undefined {
    const match = /^([0-9a-z]+)-(\d+)$/.exec(lastEventId)
    if (!match || match[1] !== this.#epoch) return undefined
    const after = Number(match[2])
    if (after > this.#sequence) return undefined
    const oldest = this.#sequence - this.#recent.length
    if (after < oldest) return undefined
    return this.#recent.slice(after - oldest)
  }
}

/** `alert.created`: enough to draw a row in the console's queue. */
export function alertCreatedEvent(alert: AlertRow): Record<string, unknown> {
  return {
    alertId: alert.id,
    ruleId: alert.rule_id,
    ruleTitle: alert.rule_title,
    severity: alert.severity,
    status: alert.status,
    count: Number(alert.event_count),
    hosts: alert.entities.hosts,
    source: alert.source,
    createdAt: alert.created_at.toISOString(),
  }
}

/** `alert.updated` after triage: which fields changed, with their new values. */
export function alertUpdatedEvent(
  alert: AlertRow,
  change: { status?: string | undefined; assignee?: string | null | undefined; comment?: string | undefined },
): Record<string, unknown> {
  const changes = [
    ...(change.status ? ['status'] : []),
    ...(change.assignee !== undefined ? ['assignee'] : []),
    ...(change.comment ? ['comment'] : []),
  ]
  return {
    alertId: alert.id,
    changes,
    status: alert.status,
    assignee: alert.assignee,
    count: Number(alert.event_count),
    updatedAt: alert.updated_at.toISOString(),
  }
}
