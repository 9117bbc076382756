import { isUtcZone, wallClockToInstant } from './timezone.js'

/**
 * Event times as logs write them, read without regular expressions on the common paths:
 * ISO 8601 / RFC 3339 (`T` or space, any fraction, `Z`, `±hh:mm`, `±hhmm`, ` +0000`, or no
 * zone), epoch numbers (seconds, milliseconds, microseconds or nanoseconds, also as text),
 * BSD syslog (`Mar  1 12:00:00`, with or without year), Apache CLF (`10/Oct/2000:13:55:36 -0700`),
 * then anything `Date.parse` understands. Times without a zone are read in `zone` (IANA).
 */

const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
}

/** Where the last successful scan ended (one reused cursor: no object per call on the hot path). */
export const scanEnd = { index: 0 }

function digit(text: string, index: number): number {
  const code = text.charCodeAt(index) - 48
  return code >= 0 && code <= 9 ? code : -1
}

/** `count` digits at `index` as a number, or -1. */
function digits(text: string, index: number, count: number): number {
  let value = 0
  for (let offset = 0; offset < count; offset++) {
    const next = digit(text, index + offset)
    if (next < 0) return -1
    value = value * 10 + next
  }
  return value
}

function validClock(month: number, day: number, hour: number, minute: number, second: number): boolean {
  return month >= 0 && month <= 11 && day >= 1 && day <= 31 && hour <= 24 && minute <= 59 && second <= 60
}

/** Epoch seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude. */
export function epochToDate(value: number): Date | null {
  if (!Number.isFinite(value) || value <= 0) return null
  let millis: number
  if (value < 1e11) millis = value * 1000
  else if (value < 1e14) millis = value
  else if (value < 1e17) millis = value / 1000
  else millis = value / 1e6
  return new Date(Math.round(millis))
}

function endsWord(text: string, index: number): boolean {
  return index >= text.length || text.charCodeAt(index) === 32
}

/**
 * Reads a fraction (`.123456`) and a zone suffix from `index`, then resolves the instant.
 * Returns NaN when something unexpected follows.
 */
function finishClock(text: string, index: number, wallClockAsUtc: number, zone: string): number {
  let position = index
  let millis = 0
  const separator = text.charCodeAt(position)
  if (separator === 46 || separator === 44) {
    position++
    let scale = 100
    const fractionStart = position
    while (digit(text, position) >= 0) {
      if (scale >= 1) millis += digit(text, position) * scale
      scale /= 10
      position++
    }
    if (position === fractionStart) return Number.NaN
  }
  const local = wallClockAsUtc + millis
  if (text.charCodeAt(position) === 32 && position + 1 < text.length) position++
  const end = text.length
  if (position >= end) {
    scanEnd.index = position
    return isUtcZone(zone) ? local : wallClockToInstant(local, zone)
  }
  const code = text.charCodeAt(position)
  if ((code === 90 || code === 122) && endsWord(text, position + 1)) {
    scanEnd.index = position + 1
    return local
  }
  if (code === 43 || code === 45) {
    const hours = digits(text, position + 1, 2)
    if (hours < 0) return Number.NaN
    let cursor = position + 3
    if (text.charCodeAt(cursor) === 58) cursor++
    let minutes = 0
    const parsedMinutes = digits(text, cursor, 2)
    if (parsedMinutes >= 0) {
      minutes = parsedMinutes
      cursor += 2
    }
    scanEnd.index = cursor
    const offset = (hours * 60 + minutes) * 60_000
    return code === 43 ? local - offset : local + offset
  }
  if (
    (text.startsWith('UTC', position) || text.startsWith('GMT', position)) &&
    endsWord(text, position + 3)
  ) {
    scanEnd.index = position + 3
    return local
  }
  // Something else follows (a syslog host name, say): the zone is the source's.
  scanEnd.index = text.charCodeAt(position - 1) === 32 ? position - 1 : position
  return isUtcZone(zone) ? local : wallClockToInstant(local, zone)
}

/** `YYYY-MM-DD[(T| )hh:mm[:ss][.fff][zone]]` at `start` (also `/` between date parts). */
export function scanIsoTimestamp(text: string, start: number, zone: string): number {
  const year = digits(text, start, 4)
  const dateSeparator = text.charCodeAt(start + 4)
  if (year < 0 || (dateSeparator !== 45 && dateSeparator !== 47)) return Number.NaN
  const month = digits(text, start + 5, 2) - 1
  const day = digits(text, start + 8, 2)
  if (text.charCodeAt(start + 7) !== dateSeparator || day < 0) return Number.NaN
  const timeSeparator = text.charCodeAt(start + 10)
  if (Number.isNaN(timeSeparator)) {
    if (!validClock(month, day, 0, 0, 0)) return Number.NaN
    scanEnd.index = start + 10
    const midnight = Date.UTC(year, month, day)
    return isUtcZone(zone) ? midnight : wallClockToInstant(midnight, zone)
  }
  if (timeSeparator !== 84 && timeSeparator !== 32 && timeSeparator !== 116) return Number.NaN
  const hour = digits(text, start + 11, 2)
  const minute = digits(text, start + 14, 2)
  if (hour < 0 || minute < 0 || text.charCodeAt(start + 13) !== 58) return Number.NaN
  let second = 0
  let position = start + 16
  if (text.charCodeAt(position) === 58) {
    second = digits(text, position + 1, 2)
    if (second < 0) return Number.NaN
    position += 3
  }
  if (!validClock(month, day, hour, minute, second)) return Number.NaN
  return finishClock(text, position, Date.UTC(year, month, day, hour, minute, Math.min(second, 59)), zone)
}

function monthAt(text: string, index: number): number {
  const month = MONTHS[text.slice(index, index + 3).toLowerCase()]
  return month ?? -1
}

/**
 * BSD syslog time at `start`: `Mmm dd hh:mm:ss[.fff]` or `Mmm dd yyyy hh:mm:ss`. Without a
 * year, the year is the one that puts the time at most a day after `reference`.
 */
export function scanBsdTimestamp(text: string, start: number, zone: string, reference: Date): number {
  const month = monthAt(text, start)
  if (month < 0 || text.charCodeAt(start + 3) !== 32) return Number.NaN
  let position = start + 4
  if (text.charCodeAt(position) === 32) position++
  let day = digit(text, position)
  if (day < 0) return Number.NaN
  position++
  if (digit(text, position) >= 0) day = day * 10 + digit(text, position++)
  if (text.charCodeAt(position) !== 32) return Number.NaN
  position++
  let year = -1
  if (digits(text, position, 4) >= 0 && text.charCodeAt(position + 4) === 32) {
    year = digits(text, position, 4)
    position += 5
  }
  const hour = digits(text, position, 2)
  const minute = digits(text, position + 3, 2)
  const second = digits(text, position + 6, 2)
  if (hour < 0 || minute < 0 || second < 0 || text.charCodeAt(position + 2) !== 58) return Number.NaN
  if (!validClock(month, day, hour, minute, second)) return Number.NaN
  position += 8
  const clock = (forYear: number): number =>
    finishClock(text, position, Date.UTC(forYear, month, day, hour, minute, Math.min(second, 59)), zone)
  if (year >= 0) return clock(year)
  const referenceYear = reference.getUTCFullYear()
  const thisYear = clock(referenceYear)
  if (thisYear > reference.getTime() + 86_400_000) return clock(referenceYear - 1)
  if (thisYear < reference.getTime() - 364 * 86_400_000) return clock(referenceYear + 1)
  return thisYear
}

/** Apache / nginx `dd/Mmm/yyyy:hh:mm:ss ±zzzz`. */
function scanClfTimestamp(text: string, zone: string): number {
  const day = digits(text, 0, 2)
  const month = monthAt(text, 3)
  const year = digits(text, 7, 4)
  if (day < 0 || month < 0 || year < 0 || text.charCodeAt(2) !== 47 || text.charCodeAt(11) !== 58) {
    return Number.NaN
  }
  const hour = digits(text, 12, 2)
  const minute = digits(text, 15, 2)
  const second = digits(text, 18, 2)
  if (hour < 0 || minute < 0 || second < 0 || !validClock(month, day, hour, minute, second)) return Number.NaN
  return finishClock(text, 20, Date.UTC(year, month, day, hour, minute, Math.min(second, 59)), zone)
}

const EXPLICIT_ZONE = /(?:\b(?:Z|UTC|GMT|[ECMP][SD]T)\b|[+-]\d{2}:?\d{2})/i

/** Anything else Date.parse reads; a zone-less result is re-read as wall-clock time in `zone`. */
function parseLoosely(text: string, zone: string): number {
  const parsed = Date.parse(text)
  if (Number.isNaN(parsed) || EXPLICIT_ZONE.test(text)) return parsed
  const local = new Date(parsed)
  const wallClock = Date.UTC(
    local.getFullYear(),
    local.getMonth(),
    local.getDate(),
    local.getHours(),
    local.getMinutes(),
    local.getSeconds(),
    local.getMilliseconds(),
  )
  return wallClockToInstant(wallClock, zone)
}

function isNumericText(text: string): boolean {
  let dots = 0
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (code === 46) dots++
    else if (code < 48 || code > 57) return false
  }
  return dots <= 1 && text.length > 0 && text.length < 25
}

function complete(instant: number, text: string): Date | null {
  return Number.isNaN(instant) || scanEnd.index !== text.length ? null : new Date(instant)
}

/** An event time from a JSON value or a text field; null when it is not a recognisable time. */
export function parseTimestamp(value: unknown, zone: string, reference: Date = new Date()): Date | null {
  if (typeof value === 'number') return epochToDate(value)
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value
  if (typeof value !== 'string' || value.length < 6 || value.length > 64) return null
  const first = value.charCodeAt(0)
  if (first >= 48 && first <= 57) {
    if (isNumericText(value)) return epochToDate(Number(value))
    const iso = complete(scanIsoTimestamp(value, 0, zone), value)
    if (iso !== null) return iso
    const clf = complete(scanClfTimestamp(value, zone), value)
    if (clf !== null) return clf
  } else {
    const bsd = complete(scanBsdTimestamp(value, 0, zone, reference), value)
    if (bsd !== null) return bsd
  }
  const loose = parseLoosely(value, zone)
  return Number.isNaN(loose) ? null : new Date(loose)
}
