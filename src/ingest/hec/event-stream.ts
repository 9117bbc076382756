const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const QUOTE = 0x22
const BACKSLASH = 0x5c

export type SplitOutcome =
  | { objects: string[] }
  /** `eventNumber` counts from 0, as HEC's `invalid-event-number` does. */
  | { invalidAt: number; reason: string }

/**
 * Splits a HEC body into its top-level JSON objects. HEC bodies are objects one after the other,
 * with or without whitespace or newlines between them (`{"event":1}{"event":2}`), so lines are
 * no guide: the scanner follows nesting and skips the contents of strings, escapes included.
 * Each object is returned as its text, to be parsed by JSON.parse.
 */
export function splitJsonObjects(text: string): SplitOutcome {
  const objects: string[] = []
  let position = 0
  const length = text.length
  while (position < length) {
    const code = text.charCodeAt(position)
    if (isWhitespace(code)) {
      position += 1
      continue
    }
    if (code !== OPEN_BRACE)
      return { invalidAt: objects.length, reason: `expected a JSON object at character ${position}` }
    const end = endOfObject(text, position)
    if (end < 0) return { invalidAt: objects.length, reason: 'the JSON object is not closed' }
    objects.push(text.slice(position, end))
    position = end
  }
  return { objects }
}

/** The index just past the object starting at `start`, or -1 when the text ends inside it. */
function endOfObject(text: string, start: number): number {
  let depth = 0
  let position = start
  const length = text.length
  while (position < length) {
    const code = text.charCodeAt(position)
    if (code === QUOTE) {
      position = endOfString(text, position + 1)
      if (position < 0) return -1
      continue
    }
    if (code === OPEN_BRACE || code === OPEN_BRACKET) depth += 1
    else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth -= 1
      if (depth === 0) return position + 1
    }
    position += 1
  }
  return -1
}

/** The index just past the closing quote of a string whose contents start at `position`. */
function endOfString(text: string, position: number): number {
  let at = position
  while (at < text.length) {
    const code = text.charCodeAt(at)
    if (code === BACKSLASH) at += 2
    else if (code === QUOTE) return at + 1
    else at += 1
  }
  return -1
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09 || code === 0xfeff
}
