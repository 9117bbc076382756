/** Small, allocation-free readers for values of unknown shape (parsed JSON, parsed text fields). */

export type JsonObject = Record<string, unknown>

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function asObject(value: unknown): JsonObject | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : null
}

/**
 * A non-empty text value; numbers become text. Windows and many agents write `-` for "no value",
 * so `-` is treated as absent.
 */
export function asText(value: unknown): string | null {
  if (typeof value === 'string') return value === '' || value === '-' ? null : value
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null
  if (typeof value === 'bigint') return String(value)
  return null
}

/** An integer from a number, a decimal string or a `0x…` hex string (Windows writes PIDs both ways). */
export function asInteger(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) ? value : null
  if (typeof value !== 'string' || value.length === 0 || value.length > 20) return null
  const hex = value.length > 2 && value.charCodeAt(0) === 48 && (value.charCodeAt(1) | 32) === 120
  const parsed = hex ? Number.parseInt(value.slice(2), 16) : Number(value)
  return Number.isInteger(parsed) ? parsed : null
}

/** Reads `root.a.b.c` for a path given as separate keys. */
export function readPath(root: unknown, ...path: string[]): unknown {
  let current = root
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as JsonObject)[key]
  }
  return current
}

/** The first non-empty text among the given keys of `record`. */
export function firstText(record: JsonObject, keys: readonly string[]): string | null {
  for (const key of keys) {
    const value = asText(record[key])
    if (value !== null) return value
  }
  return null
}

function isHexDigit(code: number): boolean {
  return (code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 102)
}

/**
 * True for text shaped like an IPv4 or IPv6 address (a cheap character check, not a full
 * validation): it keeps host names such as `ec2.amazonaws.com` out of the address columns.
 */
export function isIpLike(text: string): boolean {
  const length = text.length
  if (length < 2 || length > 45) return false
  if (text.includes(':')) {
    for (let index = 0; index < length; index++) {
      const code = text.charCodeAt(index)
      // hex digits, ':', '.', and a '%' zone suffix
      if (!isHexDigit(code) && code !== 58 && code !== 46 && code !== 37) return false
    }
    return true
  }
  let dots = 0
  for (let index = 0; index < length; index++) {
    const code = text.charCodeAt(index)
    if (code === 46) dots++
    else if (code < 48 || code > 57) return false
  }
  return dots === 3
}

/** An address value, or null when the text is not shaped like an address. */
export function asIp(value: unknown): string | null {
  const text = asText(value)
  return text !== null && isIpLike(text) ? text : null
}

/** The last path segment of a Windows or POSIX path: `C:\Windows\cmd.exe` → `cmd.exe`. */
export function baseName(path: string): string {
  const slash = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'))
  return slash === -1 ? path : path.slice(slash + 1)
}
