import type { StringTest } from './string-matcher.js'

/**
 * Combines per-value string tests into one OR (or AND for `all`) test, grouping the common shapes
 * (equality → Set lookup, prefix, suffix, substring) so a 200-value list costs a few tight loops
 * instead of 200 closure calls.
 */
export interface LiteralTest {
  kind: 'equals' | 'startswith' | 'endswith' | 'contains'
  needle: string
}

export function anyOf(literals: LiteralTest[], others: StringTest[]): StringTest {
  const equals = new Set<string>()
  const prefixes: string[] = []
  const suffixes: string[] = []
  const substrings: string[] = []
  for (const literal of literals) {
    if (literal.kind === 'equals') equals.add(literal.needle)
    else if (literal.kind === 'startswith') prefixes.push(literal.needle)
    else if (literal.kind === 'endswith') suffixes.push(literal.needle)
    else substrings.push(literal.needle)
  }
  if (literals.length === 1 && others.length === 0) return singleTest(literals[0]!)
  const endsWithAny = suffixes.length >= MIN_BUCKETED ? bucketedEnds(suffixes, 'end') : undefined
  const startsWithAny = prefixes.length >= MIN_BUCKETED ? bucketedEnds(prefixes, 'start') : undefined
  const test: StringTest = (text) => {
    if (equals.size > 0 && equals.has(text)) return true
    if (endsWithAny !== undefined) {
      if (endsWithAny(text)) return true
    } else {
      for (let index = 0; index < suffixes.length; index++) if (text.endsWith(suffixes[index]!)) return true
    }
    for (let index = 0; index < substrings.length; index++) if (text.includes(substrings[index]!)) return true
    if (startsWithAny !== undefined) {
      if (startsWithAny(text)) return true
    } else {
      for (let index = 0; index < prefixes.length; index++) if (text.startsWith(prefixes[index]!)) return true
    }
    for (let index = 0; index < others.length; index++) if (others[index]!(text)) return true
    return false
  }
  // Lists of emoji or lookalike characters: when every needle has a non-ASCII character, text
  // without one (most command lines) is rejected by one native scan instead of hundreds.
  const allNonAscii = others.length === 0 && literals.every((literal) => NON_ASCII.test(literal.needle))
  return allNonAscii ? (text) => hasNonAscii(text) && test(text) : test
}

/** Shortest suffix or prefix list worth bucketing (see `bucketedEnds`). */
const MIN_BUCKETED = 8

/**
 * endsWith (or startsWith) any of many needles, trying only the needles whose character at one
 * distance from the end (start) is the text's character there: a list of 50 `\\name.exe`
 * suffixes, bucketed by the last letter of the name, costs one lookup and a few endsWith calls.
 * Exact: a needle can only match a text that has its character at that position. The distance
 * is the one, below the shortest needle's length, that spreads the needles over most buckets.
 */
function bucketedEnds(needles: string[], side: 'start' | 'end'): StringTest {
  const shortest = Math.min(...needles.map((needle) => needle.length))
  const at = (text: string, distance: number) =>
    text.charCodeAt(side === 'end' ? text.length - 1 - distance : distance)
  let distance = 0
  let mostBuckets = 0
  for (let candidate = 0; candidate < shortest; candidate++) {
    const buckets = new Set(needles.map((needle) => at(needle, candidate))).size
    if (buckets > mostBuckets) {
      mostBuckets = buckets
      distance = candidate
    }
  }
  const buckets = new Map<number, string[]>()
  for (const needle of needles) {
    const code = at(needle, distance)
    const bucket = buckets.get(code)
    if (bucket === undefined) buckets.set(code, [needle])
    else bucket.push(needle)
  }
  if (side === 'end') {
    return (text) => {
      if (text.length <= distance) return false
      const bucket = buckets.get(text.charCodeAt(text.length - 1 - distance))
      if (bucket === undefined) return false
      for (let index = 0; index < bucket.length; index++) if (text.endsWith(bucket[index]!)) return true
      return false
    }
  }
  return (text) => {
    if (text.length <= distance) return false
    const bucket = buckets.get(text.charCodeAt(distance))
    if (bucket === undefined) return false
    for (let index = 0; index < bucket.length; index++) if (text.startsWith(bucket[index]!)) return true
    return false
  }
}

const NON_ASCII = /[\u0080-\uffff]/
let lastChecked: string | undefined
let lastHasNonAscii = false

/**
 * NON_ASCII.test, remembered for the last text: the several emoji and lookalike rules of a
 * source test the same CommandLine one after another, and most command lines are long.
 */
function hasNonAscii(text: string): boolean {
  if (text !== lastChecked) {
    lastHasNonAscii = NON_ASCII.test(text)
    lastChecked = text
  }
  return lastHasNonAscii
}

export function singleTest(literal: LiteralTest): StringTest {
  const needle = literal.needle
  switch (literal.kind) {
    case 'equals':
      return (text) => text === needle
    case 'startswith':
      return (text) => text.startsWith(needle)
    case 'endswith':
      return (text) => text.endsWith(needle)
    case 'contains':
      return (text) => text.includes(needle)
  }
}

export function allOf(tests: StringTest[]): StringTest {
  return (text) => {
    for (let index = 0; index < tests.length; index++) if (!tests[index]!(text)) return false
    return true
  }
}
