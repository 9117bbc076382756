import type { BusinessHours, Weekday } from './sla-policy.js'

/**
 * Clock arithmetic that only counts business hours (chosen weekdays, a daily window, in one IANA
 * time zone). Days are walked in local time, so a daylight-saving change moves the window with
 * the wall clock: 09:00–17:00 stays 8 hours on either side of the change.
 */

/** Ten years of days: enough for any target, and a bound on the walk. */
const MAX_DAYS = 3_660

interface LocalDate {
  year: number
  month: number
  day: number
  weekday: Weekday
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone)
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    })
    formatters.set(timeZone, found)
  }
  return found
}

function localParts(instant: number, timeZone: string): LocalDate & { wallMs: number } {
  const parts: Record<string, string> = {}
  for (const part of formatter(timeZone).formatToParts(instant)) parts[part.type] = part.value
  const year = Number(parts.year)
  const month = Number(parts.month)
  const day = Number(parts.day)
  const wallMs = Date.UTC(
    year,
    month - 1,
    day,
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  )
  return { year, month, day, weekday: (parts.weekday ?? '').toLowerCase() as Weekday, wallMs }
}

/** How far the zone's wall clock is ahead of UTC at `instant`. */
function offsetMs(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000
  return localParts(whole, timeZone).wallMs - whole
}

/** The instant a local date and time of day (minutes after midnight) happens in the zone. */
function zonedInstant(date: Omit<LocalDate, 'weekday'>, minutes: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minutes)
  const guess = wall - offsetMs(wall, timeZone)
  // Second pass: the offset at the guess is the right one unless the guess crossed a change.
  return wall - offsetMs(guess, timeZone)
}

function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number)
  return (hours ?? 0) * 60 + (minutes ?? 0)
}

interface Window {
  start: number
  end: number
}

/** Business windows from the local day holding `from` on, in order, as [start, end) instants. */
function* windows(from: number, hours: BusinessHours): Generator<Window> {
  const open = minutesOf(hours.start)
  const close = minutesOf(hours.end)
  const days = new Set<string>(hours.days)
  let cursor = from
  for (let walked = 0; walked < MAX_DAYS; walked += 1) {
    const local = localParts(cursor, hours.timeZone)
    if (days.has(local.weekday)) {
      yield {
        start: zonedInstant(local, open, hours.timeZone),
        end: zonedInstant(local, close, hours.timeZone),
      }
    }
    const next = new Date(Date.UTC(local.year, local.month - 1, local.day + 1))
    const midnight = zonedInstant(
      { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() },
      0,
      hours.timeZone,
    )
    cursor = midnight > cursor ? midnight : cursor + 3_600_000
  }
}

/** `start` plus `durationMs` of business time (plain addition when business hours are off). */
export function addBusinessTime(start: Date, durationMs: number, hours: BusinessHours): Date {
  if (!hours.enabled) return new Date(start.getTime() + durationMs)
  let remaining = durationMs
  for (const window of windows(start.getTime(), hours)) {
    const from = Math.max(start.getTime(), window.start)
    if (from >= window.end) continue
    const available = window.end - from
    if (remaining <= available) return new Date(from + remaining)
    remaining -= available
  }
  return new Date(start.getTime() + MAX_DAYS * 86_400_000)
}

/** Business time between two instants (zero when `to` is not after `from`). */
export function businessTimeBetween(from: Date, to: Date, hours: BusinessHours): number {
  if (to <= from) return 0
  if (!hours.enabled) return to.getTime() - from.getTime()
  let total = 0
  for (const window of windows(from.getTime(), hours)) {
    if (window.start >= to.getTime()) break
    const start = Math.max(from.getTime(), window.start)
    const end = Math.min(to.getTime(), window.end)
    if (end > start) total += end - start
  }
  return total
}
