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
  const test: StringTest = (text) => {
    if (equals.size > 0 && equals.has(text)) return true
    for (let index = 0; index < suffixes.length; index++) if (text.endsWith(suffixes[index]!)) return true
    for (let index = 0; index < substrings.length; index++) if (text.includes(substrings[index]!)) return true
    for (let index = 0; index < prefixes.length; index++) if (text.startsWith(prefixes[index]!)) return true
    for (let index = 0; index < others.length; index++) if (others[index]!(text)) return true
    return false
  }
  // Lists of emoji or lookalike characters: when every needle has a non-ASCII character, text
  // without one (most command lines) is rejected by one native scan instead of hundreds.
  const allNonAscii = others.length === 0 && literals.every((literal) => NON_ASCII.test(literal.needle))
  return allNonAscii ? (text) => hasNonAscii(text) && test(text) : test
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
