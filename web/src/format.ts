export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—'
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000)
  const future = seconds < 0
  const s = Math.abs(seconds)
  const text =
    s < 60
      ? `${s}s`
      : s < 3_600
        ? `${Math.floor(s / 60)}m`
        : s < 86_400
          ? `${Math.floor(s / 3_600)}h`
          : `${Math.floor(s / 86_400)}d`
  return future ? `in ${text}` : `${text} ago`
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  return new Date(iso).toISOString().replace('T', ' ').slice(0, 19)
}

export const label = (value: string) => value.replaceAll('_', ' ')

export const first = (values: string[] | undefined) =>
  values && values.length > 0 ? values[0] + (values.length > 1 ? ` +${values.length - 1}` : '') : '—'

/** A span of time, short: 45s, 12m, 3.5h, 2.1d; — when unknown. */
export function duration(ms: number | null): string {
  if (ms === null) return '—'
  if (ms < 60_000) return `${Math.round(ms / 1000)}s`
  const minutes = ms / 60_000
  if (minutes < 90) return `${Math.round(minutes)}m`
  const hours = minutes / 60
  return hours < 48 ? `${hours.toFixed(1)}h` : `${(hours / 24).toFixed(1)}d`
}

/** A size in bytes, short: 512 B, 23.4 KiB, 118 MiB. */
export function byteSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}
