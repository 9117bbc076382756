import type { NormalisedEvent } from '../core/event.js'

/**
 * Inputs with an envelope (Splunk HEC's `time` and `host`, OTLP's resource) know things the
 * record itself may not say; a bulk API knows when a record cannot be a document at all.
 */
export interface RecordFraming {
  /** Fill the event where the parser found nothing (its timestamp fell back to the received time). */
  defaults?: { timestamp?: Date; hostName?: string }
  /** The content is unusable before any parsing: kept as a dead letter with this reason. */
  rejected?: string
  /** Envelope metadata kept beside the event (HEC `sourcetype`, bulk `_id` …). */
  labels?: Record<string, string>
  /** The parser the envelope points at (a Splunk sourcetype), used when the source's is `auto`. */
  parser?: string
}

/** Fills what the parser left empty from the input's framing, and keeps its labels beside the event. */
export function applyFraming(event: NormalisedEvent, framing: RecordFraming, receivedAt: Date): void {
  if (framing.defaults) fillDefaults(event, framing.defaults, receivedAt)
  if (framing.labels) event.labels = framing.labels
}

/** Fills what the parser left empty from the input's framing, in the typed fields and the ECS view. */
function fillDefaults(
  event: NormalisedEvent,
  defaults: NonNullable<RecordFraming['defaults']>,
  receivedAt: Date,
): void {
  if (defaults.timestamp && event.timestamp.getTime() === receivedAt.getTime()) {
    event.timestamp = defaults.timestamp
    if ('@timestamp' in event.ecs) event.ecs['@timestamp'] = defaults.timestamp
  }
  if (defaults.hostName && event.hostName === null) {
    event.hostName = defaults.hostName
    const host = event.ecs.host
    event.ecs.host =
      host !== null && typeof host === 'object'
        ? { ...host, name: defaults.hostName }
        : { name: defaults.hostName }
  }
}

/** The framing a dead letter keeps, so that a replay after a parser fix treats it as the live input did. */
export function framingContext(framing: RecordFraming): Record<string, unknown> {
  const { defaults, labels, parser } = framing
  return {
    framing: {
      ...(defaults
        ? {
            defaults: {
              ...(defaults.timestamp ? { timestamp: defaults.timestamp.toISOString() } : {}),
              ...(defaults.hostName ? { hostName: defaults.hostName } : {}),
            },
          }
        : {}),
      ...(labels ? { labels } : {}),
      ...(parser ? { parser } : {}),
    },
  }
}

/** The inverse of framingContext, for a dead letter's stored context (anything else is ignored). */
export function framingFromContext(context: unknown): RecordFraming | undefined {
  if (context === null || typeof context !== 'object') return undefined
  const framing = (context as { framing?: unknown }).framing
  if (framing === null || typeof framing !== 'object') return undefined
  const { defaults, labels, parser } = framing as Record<string, unknown>
  const result: RecordFraming = {}
  if (defaults !== null && typeof defaults === 'object') {
    const { timestamp, hostName } = defaults as Record<string, unknown>
    result.defaults = {
      ...(typeof timestamp === 'string' ? { timestamp: new Date(timestamp) } : {}),
      ...(typeof hostName === 'string' ? { hostName } : {}),
    }
  }
  if (labels !== null && typeof labels === 'object')
    result.labels = Object.fromEntries(
      Object.entries(labels).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    )
  if (typeof parser === 'string') result.parser = parser
  return result
}
