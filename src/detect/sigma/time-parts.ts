/**
 * Time modifiers (`minute`, `hour`, `day`, `week`, `month`, `year`) read a part of a date as
 * written in the event. As the specification warns, no time zone or format conversion is done:
 * `2024-03-05 23:10:00` has hour 23 whatever its zone.
 */
export const TIME_MODIFIERS = ['minute', 'hour', 'day', 'week', 'month', 'year'] as const
export type TimeModifier = (typeof TIME_MODIFIERS)[number]

export function isTimeModifier(name: string): name is TimeModifier {
  return (TIME_MODIFIERS as readonly string[]).includes(name)
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/

export function timePart(value: unknown, part: TimeModifier): number | undefined {
  let year: number
  let month: number
  let day: number
  let hour = 0
  let minute = 0
  if (typeof value === 'number' || value instanceof Date) {
    const date = new Date(value)
    if (Number.isNaN(date.getTime())) return undefined
    year = date.getUTCFullYear()
    month = date.getUTCMonth() + 1
    day = date.getUTCDate()
    hour = date.getUTCHours()
    minute = date.getUTCMinutes()
  } else if (typeof value === 'string') {
    const match = DATE_TIME.exec(value.trim())
    if (match === null) return undefined
    year = Number(match[1])
    month = Number(match[2])
    day = Number(match[3])
    if (match[4] !== undefined) {
      hour = Number(match[4])
      minute = Number(match[5])
    }
  } else {
    return undefined
  }
  switch (part) {
    case 'minute':
      return minute
    case 'hour':
      return hour
    case 'day':
      return day
    case 'month':
      return month
    case 'year':
      return year
    case 'week':
      return isoWeek(year, month, day)
  }
}

/** ISO-8601 week number (weeks start on Monday; week 1 holds the year's first Thursday). */
function isoWeek(year: number, month: number, day: number): number {
  const date = new Date(Date.UTC(year, month - 1, day))
  const weekday = date.getUTCDay() || 7
  date.setUTCDate(date.getUTCDate() + 4 - weekday)
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1)
  return Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7)
}
