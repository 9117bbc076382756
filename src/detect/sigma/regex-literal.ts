/**
 * The longest literal every match of a regular expression must contain, read from the top-level
 * concatenation only (groups, classes, alternation and quantified characters end a run), for the
 * literal pre-filter. Returns '' when none can be proven; the result is lowercase.
 */
export function regexRequiredLiteral(pattern: string): string {
  let best = ''
  for (const run of literalRuns(pattern)) if (run.length > best.length) best = run
  return best.toLowerCase()
}

/** Most literals `regexRequiredLiterals` returns (the longest ones). */
const MAX_REQUIRED = 3

/**
 * Literals every match contains, to check with `text.includes` before running the regex: the
 * top-level runs as written when the regex is case-sensitive, otherwise their ASCII characters
 * without case (`\\`, `\${`, `"`), which no case flag changes. The longest MAX_REQUIRED, or none.
 */
export function regexRequiredLiterals(pattern: string, caseSensitive: boolean): string[] {
  const runs = literalRuns(pattern)
  const literals = caseSensitive
    ? runs
    : runs.flatMap((run) => run.split(/[^\x20-\x40\x5b-\x60\x7b-\x7e]+/)).filter((part) => part !== '')
  return [...new Set(literals)].sort((a, b) => b.length - a.length).slice(0, MAX_REQUIRED)
}

/** The literal runs of the top-level concatenation, in the pattern's own case. */
function literalRuns(pattern: string): string[] {
  if (hasTopLevelAlternation(pattern)) return []
  const runs: string[] = []
  let run = ''
  const endRun = () => {
    if (run.length > 0) runs.push(run)
    run = ''
  }
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!
    let literal: string | undefined
    if (char === '\\') {
      const next = pattern[index + 1]
      index++
      if (next !== undefined && /[^A-Za-z0-9]/.test(next)) literal = next
    } else if (char === '(' || char === '[') {
      endRun()
      index = skipBracketed(pattern, index) - 1
      continue
    } else if (char === '{') {
      endRun()
      const close = pattern.indexOf('}', index)
      index = close < 0 ? pattern.length : close
      continue
    } else if (!'.^$|)]*+?}'.includes(char)) {
      literal = char
    }
    if (literal === undefined) {
      endRun()
      continue
    }
    // A quantifier that allows zero occurrences (or repeats) removes the character from the run.
    const after = pattern[index + 1]
    if (after === '?' || after === '*' || after === '{') {
      endRun()
      continue
    }
    run += literal
    if (after === '+') endRun()
  }
  endRun()
  return runs
}

function hasTopLevelAlternation(pattern: string): boolean {
  let depth = 0
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]
    if (char === '\\') index++
    else if (char === '[') index = skipBracketed(pattern, index) - 1
    else if (char === '(') depth++
    else if (char === ')') depth--
    else if (char === '|' && depth === 0) return true
  }
  return false
}

/** Index just after the group or class opening at `start` (and a quantifier on it). */
function skipBracketed(pattern: string, start: number): number {
  const open = pattern[start]
  let depth = 0
  let index = start
  for (; index < pattern.length; index++) {
    const char = pattern[index]
    if (char === '\\') {
      index++
      continue
    }
    if (open === '[') {
      if (char === ']' && index > start + 1 && !(index === start + 2 && pattern[start + 1] === '^')) break
      continue
    }
    if (char === '[') index = skipBracketed(pattern, index) - 1
    else if (char === '(') depth++
    else if (char === ')' && --depth === 0) break
  }
  return index + 1
}

/** Shortest counted run of one class worth a native pre-check (re2js steps one state per count). */
const MIN_CLASS_RUN = 8

/**
 * For a case-sensitive regex with a top-level `[a-f0-9]{64}` (a class of ASCII letters, digits and
 * ranges of them, counted at least MIN_CLASS_RUN times), a native regex for that run alone: every
 * match of the whole contains it. It needs at most count steps per position (linear in the text).
 */
export function regexRequiredClassRun(pattern: string): RegExp | undefined {
  if (hasTopLevelAlternation(pattern)) return undefined
  let best: { source: string; count: number } | undefined
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]
    if (char === '\\') index++
    else if (char === '(') index = skipBracketed(pattern, index) - 1
    else if (char === '[') {
      const end = skipBracketed(pattern, index)
      const body = pattern.slice(index + 1, end - 1)
      const count = /^\{(\d+)(,\d*)?\}/.exec(pattern.slice(end))
      if (count !== null && /^(?:[A-Za-z0-9](?:-[A-Za-z0-9])?)+$/.test(body)) {
        const times = Number(count[1])
        if (times >= MIN_CLASS_RUN && (best === undefined || times > best.count))
          best = { source: `[${body}]{${times}}`, count: times }
      }
      index = end - 1
    }
  }
  return best === undefined ? undefined : new RegExp(best.source)
}
