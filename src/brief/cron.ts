import { UserError } from '../core/errors.js'

/** A parsed five-field cron expression: minute hour day-of-month month day-of-week. */
export interface CronSpec {
  minutes: Set<number>
  hours: Set<number>
  daysOfMonth: Set<number>
  months: Set<number>
  daysOfWeek: Set<number>
  /** Vixie cron: when both day fields are restricted, either one matching is enough. */
  dayOr: boolean
}

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']
const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

function invalid(expression: string, why: string): UserError {
  return new UserError('invalid_cron', `"${expression}" is not a cron expression: ${why}`, {
    details: [{ path: 'cron', message: why }],
  })
}

function parseField(expression: string, text: string, index: number): Set<number> {
  const field = FIELDS[index]!
  const names = index === 4 ? DAY_NAMES : index === 3 ? MONTH_NAMES : []
  const offset = index === 3 ? 1 : 0
  const number = (token: string) => {
    const named = names.indexOf(token.toLowerCase())
    const value = named >= 0 ? named + offset : /^\d+$/.test(token) ? Number(token) : Number.NaN
    if (!(value >= field.min && value <= field.max))
      throw invalid(expression, `${field.name} "${token}" is out of ${field.min}-${field.max}`)
    return value
  }
  const values = new Set<number>()
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/')
    const step = stepText === undefined ? 1 : Number(stepText)
    if (!Number.isInteger(step) || step < 1) throw invalid(expression, `bad step in ${field.name}`)
    let from: number
    let to: number
    if (range === '*') [from, to] = [field.min, field.max]
    else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-')
      ;[from, to] = [number(a), number(b)]
      if (from > to) throw invalid(expression, `${field.name} range ${range} runs backwards`)
    } else {
      from = number(range)
      to = stepText === undefined ? from : field.max
    }
    for (let value = from; value <= to; value += step) values.add(index === 4 && value === 7 ? 0 : value)
  }
  return values
}

export function parseCron(expression: string): CronSpec {
  const parts = expression.trim().split(/\s+/)
  if (parts.length !== 5) throw invalid(expression, 'needs five fields: minute hour day month weekday')
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = parts.map((part, index) =>
    parseField(expression, part, index),
  ) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>]
  return {
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek,
    dayOr: parts[2] !== '*' && parts[4] !== '*',
  }
}

/** Several expressions separated by `;` (what `times` turns into): a minute matching any is a slot. */
export function parseCronList(text: string): CronSpec[] {
  const expressions = text
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean)
  if (expressions.length === 0 || expressions.length > 48)
    throw invalid(text, 'give between 1 and 48 expressions')
  return expressions.map(parseCron)
}

/** `08:00` and `20:30` on some weekdays (every day when none) as one cron expression per time. */
export function cronFromTimes(times: string[], days: string[] = []): string[] {
  const weekdays = days.length === 0 ? '*' : days.map((day) => day.toLowerCase().slice(0, 3)).join(',')
  return times.map((time) => {
    const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(time)
    if (!match) throw invalid(time, 'times are HH:MM')
    return `${Number(match[2])} ${Number(match[1])} * * ${weekdays}`
  })
}

const formats = new Map<string, Intl.DateTimeFormat>()

/** Throws a user error for a zone Intl does not know. */
export function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone)
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        minute: 'numeric',
        hour: 'numeric',
        day: 'numeric',
        month: 'numeric',
        weekday: 'short',
      })
    } catch {
      throw new UserError('invalid_time_zone', `unknown time zone "${timeZone}"`, {
        details: [{ path: 'timeZone', message: 'not an IANA time zone' }],
      })
    }
    formats.set(timeZone, format)
  }
  return format
}

export function matches(spec: CronSpec, instant: Date, timeZone: string): boolean {
  const parts: Record<string, string> = {}
  for (const part of zoneFormat(timeZone).formatToParts(instant)) parts[part.type] = part.value
  if (!spec.minutes.has(Number(parts.minute)) || !spec.hours.has(Number(parts.hour))) return false
  if (!spec.months.has(Number(parts.month))) return false
  const dayOfMonth = spec.daysOfMonth.has(Number(parts.day))
  const dayOfWeek = spec.daysOfWeek.has(DAY_NAMES.indexOf((parts.weekday ?? '').toLowerCase().slice(0, 3)))
  return spec.dayOr ? dayOfMonth || dayOfWeek : dayOfMonth && dayOfWeek
}

/**
 * The latest slot (a whole minute) at or before `now` and strictly after `after`, looking back
 * at most `lookbackMs`: a node that was down sends the slot it missed, not every one of them.
 */
export function latestSlot(
  specs: CronSpec[],
  timeZone: string,
  now: Date,
  after: Date | null,
  lookbackMs: number,
): Date | undefined {
  const floor = Math.max(now.getTime() - lookbackMs, after ? after.getTime() + 1 : Number.NEGATIVE_INFINITY)
  for (let minute = Math.floor(now.getTime() / 60_000) * 60_000; minute >= floor; minute -= 60_000) {
    const candidate = new Date(minute)
    if (specs.some((spec) => matches(spec, candidate, timeZone))) return candidate
  }
  return undefined
}
