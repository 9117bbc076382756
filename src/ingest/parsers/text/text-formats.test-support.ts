import { expect } from 'vitest'
import type { NormalisedEvent } from '../../../core/event.js'
import { parseRecord } from '../parse-record.js'

export const RECEIVED_AT = new Date('2024-03-02T10:00:00Z')

/** Parses one line and expects exactly one event. */
export function parseOne(raw: string, parser?: string, timezone?: string): NormalisedEvent {
  const outcome = parseRecord({ raw, source: 'test', parser, receivedAt: RECEIVED_AT, timezone })
  if ('error' in outcome) throw new Error(`expected an event, got: ${outcome.error.reason}`)
  expect(outcome.events).toHaveLength(1)
  return outcome.events[0]!
}

/** Parses one line and expects a per-record error; returns its reason. */
export function parseError(raw: string, parser?: string): string {
  const outcome = parseRecord({ raw, source: 'test', parser, receivedAt: RECEIVED_AT })
  if (!('error' in outcome)) throw new Error(`expected an error, got ${outcome.events.length} events`)
  return outcome.error.reason
}
