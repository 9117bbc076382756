/**
 * A native RegExp that matches at least every text an RE2 pattern matches, for a small subset of
 * the syntax, to reject texts before re2js (an interpreter, much slower) runs: most command lines
 * fail `\\[a-zA-Z0-9]{1,32}\.[a-zA-Z0-9]{1,6}\.[ "']` within a few native steps.
 *
 * The subset is a case-sensitive concatenation of printable ASCII literals, escaped punctuation,
 * `\d` `\w` `\s`, positive classes of those and of ranges, `^` `$`, each atom optionally counted
 * by `?` `{n}` `{n,m}`: no groups, alternation, `.`, negation or unbounded repetition. There the
 * two engines agree, except that JavaScript's `\s` has more characters than RE2's (a superset,
 * which a gate may be). Without unbounded repetition the backtracking is bounded by the product
 * of the counts' ranges per start position, capped by MAX_PATHS, so the gate stays linear.
 */
const MAX_PATHS = 256
const CLASS_ESCAPES = new Set(['d', 'w', 's'])

export function regexNativeGate(pattern: string): RegExp | undefined {
  if (!/^[\x20-\x7e]+$/.test(pattern)) return undefined
  let paths = 1
  let index = 0
  let atoms = 0
  while (index < pattern.length) {
    const atomEnd = skipAtom(pattern, index)
    if (atomEnd === undefined) return undefined
    atoms++
    index = atomEnd
    const quantifier = readCount(pattern, index)
    if (quantifier === undefined) return undefined
    if (quantifier !== null) {
      paths *= quantifier.max - quantifier.min + 1
      if (paths > MAX_PATHS) return undefined
      index = quantifier.end
    }
  }
  if (atoms === 0) return undefined
  try {
    return new RegExp(pattern)
  } catch {
    return undefined
  }
}

/** End of the atom at `start`, or undefined when it is outside the subset. */
function skipAtom(pattern: string, start: number): number | undefined {
  const char = pattern[start]!
  if (char === '\\') return escapeOk(pattern[start + 1]) ? start + 2 : undefined
  if (char === '[') return skipClass(pattern, start)
  // An anchor is not quantified here: its next character must not be a count.
  if (char === '^' || char === '$') {
    const next = pattern[start + 1]
    return next === '?' || next === '{' || next === '*' || next === '+' ? undefined : start + 1
  }
  if ('.|()]{}*+?'.includes(char)) return undefined
  return start + 1
}

/** `\d` `\w` `\s` or escaped punctuation (a literal in both engines). */
function escapeOk(next: string | undefined): boolean {
  if (next === undefined) return false
  return CLASS_ESCAPES.has(next) || /^[!-/:-@[-`{-~]$/.test(next)
}

function skipClass(pattern: string, start: number): number | undefined {
  let index = start + 1
  if (pattern[index] === '^' || pattern[index] === ']') return undefined
  while (index < pattern.length) {
    const char = pattern[index]!
    if (char === ']') return index + 1
    if (char === '[') return undefined
    if (char === '\\') {
      if (!escapeOk(pattern[index + 1])) return undefined
      index += 2
      continue
    }
    // A range between two plain characters (`a-z`); a `-` first or last is a literal in both.
    if (pattern[index + 1] === '-' && pattern[index + 2] !== undefined && pattern[index + 2] !== ']') {
      const end = pattern[index + 2]!
      if (end === '\\' || end === '[' || end < char) return undefined
      index += 3
      continue
    }
    index++
  }
  return undefined
}

/** The count after an atom: null when there is none, undefined when outside the subset. */
function readCount(
  pattern: string,
  index: number,
): { min: number; max: number; end: number } | null | undefined {
  const char = pattern[index]
  if (char === '?') return pattern[index + 1] === '?' ? undefined : { min: 0, max: 1, end: index + 1 }
  if (char === '*' || char === '+') return undefined
  if (char !== '{') return null
  const count = /^\{(\d{1,4})(?:,(\d{1,4}))?\}/.exec(pattern.slice(index))
  if (count === null) return undefined
  const min = Number(count[1])
  const max = count[2] === undefined ? min : Number(count[2])
  const after = pattern[index + count[0].length]
  if (max < min || after === '?' || after === '+') return undefined
  return { min, max, end: index + count[0].length }
}
