import { failure, type ParseFailure } from './types.js'

/** Per-record limits: a record over any of them is refused with its own reason, never the batch. */
export interface ParseLimits {
  /** Longest record, in bytes of UTF-8. */
  maxLineBytes: number
  /** Deepest nesting of objects and arrays. */
  maxDepth: number
  /** Most fields (object members and array items, counted through every level). */
  maxFields: number
  /** Longest single value or key, in characters. */
  maxFieldLength: number
}

export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxLineBytes: 1024 * 1024,
  maxDepth: 32,
  maxFields: 10_000,
  maxFieldLength: 256 * 1024,
})

export function resolveLimits(overrides: Partial<ParseLimits> = {}): ParseLimits {
  return { ...DEFAULT_PARSE_LIMITS, ...overrides }
}

/** The UTF-8 length check, exact only when it matters (a character is 1 to 3 UTF-8 bytes per UTF-16 unit). */
export function checkLineLength(text: string, limits: ParseLimits): ParseFailure | null {
  if (text.length * 3 <= limits.maxLineBytes) return null
  const bytes = text.length > limits.maxLineBytes ? text.length : Buffer.byteLength(text, 'utf8')
  if (bytes <= limits.maxLineBytes) return null
  return failure(`record is ${bytes} bytes long, over the limit of ${limits.maxLineBytes} bytes`)
}

/** Counts `{` and `[` in JSON text, stopping once past `limit`. */
function countOpeners(text: string, limit: number): number {
  let count = 0
  for (const opener of ['{', '[']) {
    let index = text.indexOf(opener)
    while (index !== -1) {
      if (++count > limit) return count
      index = text.indexOf(opener, index + 1)
    }
  }
  return count
}

/**
 * True when JSON text of this length cannot break a structural limit, so the parsed value
 * need not be walked: every field costs at least two characters (`0,`), no value is longer
 * than the text, and nesting needs one opener per level.
 */
export function jsonTextIsWithinLimits(text: string, limits: ParseLimits): boolean {
  return (
    text.length < 2 * limits.maxFields &&
    text.length <= limits.maxFieldLength &&
    countOpeners(text, limits.maxDepth) <= limits.maxDepth
  )
}

interface WalkState {
  fields: number
  limits: ParseLimits
}

function describe(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`
  return path === '' ? key : `${path}.${key}`
}

function walk(value: unknown, depth: number, path: string, state: WalkState): ParseFailure | null {
  const { limits } = state
  if (typeof value === 'string') {
    if (value.length > limits.maxFieldLength) {
      return failure(
        `field is ${value.length} characters long, over the limit of ${limits.maxFieldLength}`,
        path || undefined,
      )
    }
    return null
  }
  if (typeof value !== 'object' || value === null) return null
  if (depth >= limits.maxDepth) {
    return failure(`record is nested deeper than the limit of ${limits.maxDepth} levels`, path || undefined)
  }
  if (Array.isArray(value)) {
    state.fields += value.length
    if (state.fields > limits.maxFields) {
      return failure(`record has more than ${limits.maxFields} fields`, path || undefined)
    }
    for (let index = 0; index < value.length; index++) {
      const problem = walk(value[index], depth + 1, describe(path, index), state)
      if (problem !== null) return problem
    }
    return null
  }
  for (const key in value) {
    if (++state.fields > limits.maxFields) {
      return failure(`record has more than ${limits.maxFields} fields`, path || undefined)
    }
    if (key.length > limits.maxFieldLength) {
      return failure(
        `field name is ${key.length} characters long, over the limit of ${limits.maxFieldLength}`,
        path || undefined,
      )
    }
    const problem = walk((value as Record<string, unknown>)[key], depth + 1, describe(path, key), state)
    if (problem !== null) return problem
  }
  return null
}

/** Walks a parsed record for depth, field count and field length; the first problem wins. */
export function checkStructure(value: unknown, limits: ParseLimits): ParseFailure | null {
  return walk(value, 0, '', { fields: 0, limits })
}
