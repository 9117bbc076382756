/**
 * A Sigma string value after escape processing: literal text, `*` (any characters), `?` (one
 * character) and, from `windash`, a choice of single characters at one position.
 */
export type PatternPart = string | typeof ANY_CHARS | typeof ONE_CHAR | CharChoice

export const ANY_CHARS = Symbol('*')
export const ONE_CHAR = Symbol('?')

export interface CharChoice {
  choice: string[]
}

export type SigmaPattern = PatternPart[]

/**
 * Parses wildcards and escapes per the specification: `\*`, `\?` and `\\` are the literal
 * characters; a backslash before anything else is a plain backslash.
 */
export function parseSigmaString(text: string): SigmaPattern {
  const parts: SigmaPattern = []
  let literal = ''
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!
    if (char === '\\') {
      const next = text[index + 1]
      if (next === '*' || next === '?' || next === '\\') {
        literal += next
        index++
      } else {
        literal += '\\'
      }
    } else if (char === '*' || char === '?') {
      if (literal !== '') parts.push(literal)
      literal = ''
      parts.push(char === '*' ? ANY_CHARS : ONE_CHAR)
    } else {
      literal += char
    }
  }
  if (literal !== '') parts.push(literal)
  return parts
}

export function literalPattern(text: string): SigmaPattern {
  return text === '' ? [] : [text]
}

export function hasWildcards(pattern: SigmaPattern): boolean {
  return pattern.some((part) => typeof part !== 'string')
}

/** The text of a pattern without wildcards (callers check `hasWildcards` first). */
export function patternText(pattern: SigmaPattern): string {
  return pattern.filter((part): part is string => typeof part === 'string').join('')
}

/** Merges adjacent literals and collapses repeated `*`. */
export function normalizePattern(pattern: SigmaPattern): SigmaPattern {
  const out: SigmaPattern = []
  for (const part of pattern) {
    const last = out[out.length - 1]
    if (typeof part === 'string') {
      if (part === '') continue
      if (typeof last === 'string') out[out.length - 1] = last + part
      else out.push(part)
    } else if (part === ANY_CHARS && last === ANY_CHARS) {
    } else {
      out.push(part)
    }
  }
  return out
}

export function lowerPattern(pattern: SigmaPattern): SigmaPattern {
  return pattern.map((part) => {
    if (typeof part === 'string') return part.toLowerCase()
    if (typeof part === 'object') return { choice: part.choice.map((option) => option.toLowerCase()) }
    return part
  })
}

/** The longest run of literal characters: a substring every match must contain. */
export function longestLiteral(pattern: SigmaPattern): string {
  let best = ''
  for (const part of pattern) if (typeof part === 'string' && part.length > best.length) best = part
  return best
}
