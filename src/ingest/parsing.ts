import type { NormalisedEvent } from '../core/event.js'
import type { ParseInput, ParseOutcome } from './pipeline/parse-port.js'

/**
 * The pipeline's entry into the parsers. Interim: JSON objects and text lines with the common
 * fields picked from well-known keys, until the full parser set (src/ingest/parsers) lands.
 */
const PARSERS = new Set(['auto', 'json', 'text', 'syslog'])

export function isKnownParser(name: string): boolean {
  return PARSERS.has(name)
}

export function parseRecord(input: ParseInput): ParseOutcome {
  let original: Record<string, unknown>
  let originalJson: string | undefined
  if (typeof input.raw === 'string') {
    const text = input.raw
    if (text.length > 1024 * 1024) return { error: { reason: 'record longer than 1 MiB' } }
    if (text.trimStart().startsWith('{')) {
      try {
        const parsed: unknown = JSON.parse(text)
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
          return { error: { reason: 'a JSON record must be an object' } }
        original = parsed as Record<string, unknown>
        originalJson = text
      } catch (error) {
        return { error: { reason: `invalid JSON: ${(error as Error).message}` } }
      }
    } else {
      original = { message: text }
    }
  } else {
    original = input.raw
  }
  return { events: [toEvent(original, originalJson, input)] }
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null
}

function toEvent(
  original: Record<string, unknown>,
  originalJson: string | undefined,
  input: ParseInput,
): NormalisedEvent {
  const rawTime = original['@timestamp'] ?? original.timestamp ?? original.time ?? original.EventTime
  const parsedTime =
    typeof rawTime === 'string' || typeof rawTime === 'number' ? new Date(rawTime) : undefined
  const event: NormalisedEvent = {
    timestamp: parsedTime && !Number.isNaN(parsedTime.getTime()) ? parsedTime : input.receivedAt,
    receivedAt: input.receivedAt,
    source: input.source,
    dataset: text(original.Channel),
    eventCode: text(original.EventID),
    hostName: text(original.Hostname ?? original.host ?? original.Computer),
    userName: text(original.User ?? original.user),
    sourceIp: text(original.SourceIp ?? original.src_ip),
    destinationIp: text(original.DestinationIp ?? original.dest_ip),
    processName: text(original.Image),
    processCommandLine: text(original.CommandLine),
    ecs: {},
    original,
  }
  if (originalJson !== undefined) event.originalJson = originalJson
  return event
}
