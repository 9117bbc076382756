import type { JsonObject } from '../../normalise/values.js'

export interface KeyValues {
  fields: JsonObject
  /** How many key=value pairs were read. */
  pairs: number
}

function isSpace(code: number): boolean {
  // Space, tab, and the control characters (auditd separates enriched fields with 0x1D).
  return code <= 32
}

/**
 * `key=value key2="quoted value" key3='single'` from `start`, the pairs separated by white
 * space. Quoted values may hold spaces and backslash escapes; a bare word without `=` is
 * skipped. Later duplicates of a key win.
 */
export function parseKeyValues(text: string, start = 0, fields: JsonObject = {}): KeyValues {
  let pairs = 0
  let position = start
  const length = text.length
  while (position < length) {
    while (position < length && isSpace(text.charCodeAt(position))) position++
    const keyStart = position
    while (position < length) {
      const code = text.charCodeAt(position)
      if (code === 61 || isSpace(code)) break
      position++
    }
    if (position >= length || text.charCodeAt(position) !== 61 || position === keyStart) {
      while (position < length && !isSpace(text.charCodeAt(position))) position++
      continue
    }
    const key = text.slice(keyStart, position)
    position++
    const quote = text.charCodeAt(position)
    let value: string
    if (quote === 34 || quote === 39) {
      position++
      let buffer = ''
      let chunkStart = position
      while (position < length && text.charCodeAt(position) !== quote) {
        if (text.charCodeAt(position) === 92 && position + 1 < length) {
          buffer += text.slice(chunkStart, position)
          position++
          chunkStart = position
        }
        position++
      }
      value = buffer + text.slice(chunkStart, position)
      position++
    } else {
      const valueStart = position
      while (position < length && !isSpace(text.charCodeAt(position))) position++
      value = text.slice(valueStart, position)
    }
    fields[key] = value
    pairs++
  }
  return { fields, pairs }
}
