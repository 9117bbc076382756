/**
 * A lower bound on the number of characters any match of an RE2 pattern has, read from its
 * top-level sequence (`.{1000,}` → 1000, `\s[a-f0-9]{64}\s` → 66). A text with fewer UTF-16 code
 * units cannot match (a code point is at least one unit), so the regex need not run: re2js steps
 * a program of one state per counted repetition over every character, which for `.{1000,}` on a
 * command line costs tens of microseconds. Anything not understood counts as 0 (no bound).
 */
export function regexMinLength(pattern: string): number {
  if (hasTopLevelAlternation(pattern)) return 0
  let total = 0
  let index = 0
  while (index < pattern.length) {
    const char = pattern[index]!
    let atomLength: number
    let next: number
    if (char === '\\') {
      const escaped = pattern[index + 1]
      if (escaped === undefined) return 0
      // \p{…} \x{…} \Q…\E \C and octal escapes are not parsed; \b \B \A \z match no character.
      if ('pPxQEC'.includes(escaped) || /[0-9]/.test(escaped)) return total
      atomLength = 'bBAz'.includes(escaped) ? 0 : 1
      next = index + 2
    } else if (char === '[') {
      const close = classEnd(pattern, index)
      if (close < 0) return total
      atomLength = 1
      next = close + 1
    } else if (char === '(') {
      // A group's own length is not read (it may hold alternatives or flags): it counts as 0.
      const close = groupEnd(pattern, index)
      if (close < 0) return total
      atomLength = 0
      next = close + 1
    } else if (char === '^' || char === '$') {
      atomLength = 0
      next = index + 1
    } else if ('*+?{|)'.includes(char)) {
      return total
    } else {
      atomLength = 1
      next = index + 1
    }
    const quantifier = readQuantifier(pattern, next)
    if (quantifier === undefined) return total
    total += atomLength * quantifier.min
    index = quantifier.end
  }
  return total
}

/** The quantifier at `index` (none: exactly once), with the index after it (and after a lazy `?`). */
function readQuantifier(pattern: string, index: number): { min: number; end: number } | undefined {
  const char = pattern[index]
  let min = 1
  let end = index
  if (char === '*' || char === '?') {
    min = 0
    end = index + 1
  } else if (char === '+') {
    end = index + 1
  } else if (char === '{') {
    const match = /^\{(\d+)(,\d*)?\}/.exec(pattern.slice(index))
    // RE2 reads a `{` that does not start a valid repetition as a literal: stop counting there.
    if (match === null) return undefined
    min = Number(match[1])
    end = index + match[0].length
  }
  if (pattern[end] === '?') end++
  return { min, end }
}

function classEnd(pattern: string, open: number): number {
  let index = open + 1
  if (pattern[index] === '^') index++
  if (pattern[index] === ']') index++
  for (; index < pattern.length; index++) {
    const char = pattern[index]
    if (char === '\\') index++
    else if (char === '[' && pattern[index + 1] === ':') {
      const close = pattern.indexOf(':]', index + 2)
      if (close < 0) return -1
      index = close + 1
    } else if (char === ']') return index
  }
  return -1
}

function groupEnd(pattern: string, open: number): number {
  let depth = 0
  for (let index = open; index < pattern.length; index++) {
    const char = pattern[index]
    if (char === '\\') index++
    else if (char === '[') {
      index = classEnd(pattern, index)
      if (index < 0) return -1
    } else if (char === '(') depth++
    else if (char === ')') {
      depth--
      if (depth === 0) return index
    }
  }
  return -1
}

function hasTopLevelAlternation(pattern: string): boolean {
  let depth = 0
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]
    if (char === '\\') index++
    else if (char === '[') {
      index = classEnd(pattern, index)
      if (index < 0) return true
    } else if (char === '(') depth++
    else if (char === ')') depth--
    else if (char === '|' && depth === 0) return true
  }
  return false
}
