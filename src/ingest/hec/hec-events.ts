import type { RawRecord } from '../ingest.service.js'
import { toSourceName } from '../source-name.js'
import { splitJsonObjects } from './event-stream.js'
import { HEC, HecError } from './hec-errors.js'
import { parserForSourcetype } from './sourcetypes.js'

/** Splunk's default index: where a person's token writes when an event names none. */
export const DEFAULT_INDEX = 'main'

export interface HecBatch {
  /** Records by the source named for them (`index`); one group when the token is bound to a source. */
  groups: Map<string, RawRecord[]>
  count: number
}

/**
 * Reads a HEC `/event` body: concatenated envelopes `{"event":…,"time":…,"host":…,"index":…}`.
 * The whole request is refused, and nothing stored, when an envelope is malformed (HEC code 6),
 * has no event (12) or a blank one (13), or names an unusable index (7): the sender still has
 * the batch and may fix and resend it without duplicates. The parser gets the `event` itself, an
 * object or a string; `time` (epoch seconds) and `host` fill what the parser does not find.
 * `sourcetype`, `source`, `index` and the indexed `fields` are kept as the event's labels, and a
 * known sourcetype chooses the parser when the source's parser is `auto`.
 *
 * @param boundSource the source a source token writes to: `index` is then ignored.
 */
export function readHecEvents(text: string, boundSource: string | undefined): HecBatch {
  const split = splitJsonObjects(text)
  if ('invalidAt' in split)
    throw new HecError(HEC.invalidDataFormat, 'invalid_data_format', split.reason, split.invalidAt)
  if (split.objects.length === 0) throw new HecError(HEC.noData, 'no_data', 'the request has no events')
  const groups = new Map<string, RawRecord[]>()
  split.objects.forEach((objectText, eventNumber) => {
    const envelope = parseEnvelope(objectText, eventNumber)
    const sourceName = boundSource ?? indexSource(envelope.index, eventNumber)
    const record: RawRecord = { raw: eventRecord(envelope.event), location: `event ${eventNumber}` }
    const timestamp = eventTime(envelope.time, eventNumber)
    const labels = envelopeLabels(envelope, eventNumber)
    const parser = parserForSourcetype(envelope.sourcetype)
    if (timestamp || envelope.host || labels || parser) {
      record.framing = {
        ...(timestamp || envelope.host
          ? {
              defaults: {
                ...(timestamp ? { timestamp } : {}),
                ...(envelope.host ? { hostName: envelope.host } : {}),
              },
            }
          : {}),
        ...(labels ? { labels } : {}),
        ...(parser ? { parser } : {}),
      }
    }
    const group = groups.get(sourceName)
    if (group) group.push(record)
    else groups.set(sourceName, [record])
  })
  return { groups, count: split.objects.length }
}

interface Envelope {
  event: unknown
  time: unknown
  host: string | undefined
  index: string | undefined
  source: string | undefined
  sourcetype: string | undefined
  fields: unknown
}

const MAX_LABELS = 64
const MAX_LABEL_KEY = 128
const MAX_LABEL_VALUE = 4_096

/**
 * HEC's `sourcetype`, `source`, `index` and indexed `fields` (string, number or boolean values,
 * or lists of them) as flat string labels; `fields.<name>` for the indexed fields.
 */
export function envelopeLabels(
  envelope: Pick<Envelope, 'index' | 'source' | 'sourcetype' | 'fields'>,
  eventNumber: number,
): Record<string, string> | undefined {
  const labels: Record<string, string> = {}
  if (envelope.sourcetype) labels.sourcetype = envelope.sourcetype
  if (envelope.source) labels.source = envelope.source
  if (envelope.index) labels.index = envelope.index
  const { fields } = envelope
  if (fields !== undefined && fields !== null) {
    if (typeof fields !== 'object' || Array.isArray(fields))
      throw invalidEnvelope(eventNumber, '"fields" must be an object of indexed fields')
    for (const [name, value] of Object.entries(fields)) {
      const text = labelValue(value)
      if (text === undefined)
        throw invalidEnvelope(
          eventNumber,
          `"fields.${name}" must be a string, number, boolean or a list of them`,
        )
      labels[`fields.${name}`] = text
    }
  }
  const entries = Object.entries(labels)
  if (entries.length === 0) return undefined
  if (entries.length > MAX_LABELS)
    throw invalidEnvelope(eventNumber, `more than ${MAX_LABELS} indexed fields`)
  for (const [key, value] of entries) {
    if (key.length > MAX_LABEL_KEY)
      throw invalidEnvelope(eventNumber, `field name "${key.slice(0, 40)}…" is too long`)
    if (value.length > MAX_LABEL_VALUE)
      throw invalidEnvelope(eventNumber, `"${key}" is longer than ${MAX_LABEL_VALUE} characters`)
  }
  return labels
}

function labelValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) {
    const parts = value.map(labelValue)
    return parts.every((part) => part !== undefined) ? parts.join(',') : undefined
  }
  return undefined
}

function invalidEnvelope(eventNumber: number, reason: string): HecError {
  return new HecError(
    HEC.invalidDataFormat,
    'invalid_data_format',
    `event ${eventNumber}: ${reason}`,
    eventNumber,
  )
}

function parseEnvelope(objectText: string, eventNumber: number): Envelope {
  let parsed: Record<string, unknown>
  try {
    parsed = JSON.parse(objectText) as Record<string, unknown>
  } catch (error) {
    throw new HecError(
      HEC.invalidDataFormat,
      'invalid_data_format',
      `event ${eventNumber} is not valid JSON: ${(error as Error).message}`,
      eventNumber,
    )
  }
  if (!('event' in parsed))
    throw new HecError(
      HEC.eventRequired,
      'event_required',
      `event ${eventNumber} has no "event" field`,
      eventNumber,
    )
  if (isBlank(parsed.event))
    throw new HecError(
      HEC.eventBlank,
      'event_blank',
      `event ${eventNumber} has a blank "event" field`,
      eventNumber,
    )
  return {
    event: parsed.event,
    time: parsed.time,
    host: optionalString(parsed, 'host', eventNumber),
    index: optionalString(parsed, 'index', eventNumber),
    source: optionalString(parsed, 'source', eventNumber),
    sourcetype: optionalString(parsed, 'sourcetype', eventNumber),
    fields: parsed.fields,
  }
}

function isBlank(event: unknown): boolean {
  if (event === null || event === undefined) return true
  if (typeof event === 'string') return event.trim().length === 0
  return typeof event === 'object' && !Array.isArray(event) && Object.keys(event).length === 0
}

/** An object event goes to the parser as an object; anything else as text. */
function eventRecord(event: unknown): RawRecord['raw'] {
  if (typeof event === 'string') return event
  if (event !== null && typeof event === 'object' && !Array.isArray(event))
    return event as Record<string, unknown>
  return JSON.stringify(event)
}

function eventTime(time: unknown, eventNumber: number): Date | undefined {
  if (time === undefined || time === null) return undefined
  const seconds = typeof time === 'string' ? Number(time) : time
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0)
    throw new HecError(
      HEC.invalidDataFormat,
      'invalid_data_format',
      `event ${eventNumber} has a "time" that is not epoch seconds`,
      eventNumber,
    )
  return new Date(Math.round(seconds * 1000))
}

function optionalString(
  envelope: Record<string, unknown>,
  key: string,
  eventNumber: number,
): string | undefined {
  const value = envelope[key]
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value === 'string') return value
  throw new HecError(
    HEC.invalidDataFormat,
    'invalid_data_format',
    `event ${eventNumber} has a "${key}" that is not a string`,
    eventNumber,
  )
}

/** The source for a person's token: the event's `index`, normalised by toSourceName. */
export function indexSource(index: string | undefined, eventNumber?: number): string {
  const name = toSourceName(index ?? DEFAULT_INDEX)
  if (name === undefined)
    throw new HecError(
      HEC.incorrectIndex,
      'incorrect_index',
      `no usable source name in index "${index}"`,
      eventNumber,
    )
  return name
}
