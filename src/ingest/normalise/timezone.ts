/**
 * Wall-clock times without a zone are read in the source's IANA zone, through Intl (no
 * library): the zone's offset is looked up once per zone and hour, then cached.
 */

const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'Z'])
const formatters = new Map<string, Intl.DateTimeFormat>()
const offsets = new Map<string, number>()
const MAX_CACHED_OFFSETS = 10_000
const HOUR = 3_600_000

export function isUtcZone(zone: string): boolean {
  return UTC_NAMES.has(zone)
}

/** True when Intl knows the zone (`Europe/Paris`, `America/New_York`, `UTC` …). */
export function isValidTimeZone(zone: string): boolean {
  if (isUtcZone(zone) || formatters.has(zone)) return true
  try {
    formatterFor(zone)
    return true
  } catch {
    return false
  }
}

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone)
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(zone, formatter)
  }
  return formatter
}

/** The zone's offset from UTC (milliseconds, east positive) at the instant `epochMs`. */
export function zoneOffsetAt(zone: string, epochMs: number): number {
  const hourKey = `${zone}|${Math.floor(epochMs / HOUR)}`
  const cached = offsets.get(hourKey)
  if (cached !== undefined) return cached
  const parts = formatterFor(zone).formatToParts(new Date(epochMs))
  const field = (type: string): number => Number(parts.find((part) => part.type === type)?.value ?? 0)
  const wallClock = Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  )
  const offset = wallClock - (epochMs - (((epochMs % 1000) + 1000) % 1000))
  if (offsets.size >= MAX_CACHED_OFFSETS) offsets.clear()
  offsets.set(hourKey, offset)
  return offset
}

/**
 * The instant of a wall-clock time in `zone`. `wallClockAsUtc` is the wall-clock time read as
 * if it were UTC (`Date.UTC(y, m, d, …)`). In a DST gap or overlap the earlier offset wins.
 */
export function wallClockToInstant(wallClockAsUtc: number, zone: string): number {
  if (isUtcZone(zone)) return wallClockAsUtc
  const firstGuess = wallClockAsUtc - zoneOffsetAt(zone, wallClockAsUtc)
  const offset = zoneOffsetAt(zone, firstGuess)
  return wallClockAsUtc - offset
}
