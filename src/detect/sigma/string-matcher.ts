import {
  ANY_CHARS,
  type CharChoice,
  normalizePattern,
  ONE_CHAR,
  type PatternPart,
  type SigmaPattern,
} from './sigma-string.js'

/** A test on one (already case-folded when needed) string. */
export type StringTest = (text: string) => boolean

type Unit = string | typeof ONE_CHAR | CharChoice

/** The characters between two `*`; `plain` is their text when none is `?` or a choice. */
interface Segment {
  units: Unit[]
  plain: string | undefined
}

/**
 * Compiles a pattern (after contains/startswith/endswith added their `*`) to a string test. Plain
 * shapes use native string methods; others a glob matcher: segments between `*` are found
 * leftmost in order, which is exact for `*`-only variable parts and runs in O(n·m), never
 * exponentially.
 */
export function compileStringPattern(input: SigmaPattern): StringTest {
  const pattern = normalizePattern(input)
  const simple = simpleShape(pattern)
  if (simple !== undefined) return simple
  const unitLists: Unit[][] = [[]]
  for (const part of pattern) {
    if (part === ANY_CHARS) unitLists.push([])
    else unitLists[unitLists.length - 1]!.push(...units(part))
  }
  const segments = unitLists.map((list): Segment => {
    const plain = list.every((unit) => typeof unit === 'string') ? list.join('') : undefined
    return { units: list, plain }
  })
  const anchoredStart = pattern[0] !== ANY_CHARS
  const anchoredEnd = pattern[pattern.length - 1] !== ANY_CHARS
  return (text) => globMatch(text, segments, anchoredStart, anchoredEnd)
}

function units(part: Exclude<PatternPart, typeof ANY_CHARS>): Unit[] {
  return typeof part === 'string' ? part.split('') : [part]
}

function simpleShape(pattern: SigmaPattern): StringTest | undefined {
  if (pattern.some((part) => part === ONE_CHAR || typeof part === 'object')) return undefined
  const literals = pattern.filter((part): part is string => typeof part === 'string')
  if (pattern.length === 0) return (text) => text === ''
  if (pattern.length === 1 && pattern[0] === ANY_CHARS) return () => true
  if (literals.length !== 1) return undefined
  const needle = literals[0]!
  const starts = pattern[0] === ANY_CHARS
  const ends = pattern[pattern.length - 1] === ANY_CHARS
  if (pattern.length === 1) return (text) => text === needle
  if (pattern.length === 3 && starts && ends) return (text) => text.includes(needle)
  if (pattern.length === 2 && starts) return (text) => text.endsWith(needle)
  if (pattern.length === 2 && ends) return (text) => text.startsWith(needle)
  return undefined
}

function unitMatches(unit: Unit, text: string, index: number): boolean {
  if (unit === ONE_CHAR) return index < text.length
  if (typeof unit === 'string') return text[index] === unit
  const char = text[index]
  return char !== undefined && unit.choice.includes(char)
}

function segmentAt(text: string, segment: Segment, start: number): boolean {
  const units = segment.units
  if (start + units.length > text.length) return false
  if (segment.plain !== undefined) return text.startsWith(segment.plain, start)
  for (let offset = 0; offset < units.length; offset++) {
    if (!unitMatches(units[offset]!, text, start + offset)) return false
  }
  return true
}

function findSegment(text: string, segment: Segment, from: number, last: number): number {
  if (segment.plain !== undefined) {
    // Plain characters: the native search finds the same leftmost start.
    const found = text.indexOf(segment.plain, from)
    return found > last ? -1 : found
  }
  for (let start = from; start <= last; start++) if (segmentAt(text, segment, start)) return start
  return -1
}

function globMatch(text: string, segments: Segment[], anchoredStart: boolean, anchoredEnd: boolean): boolean {
  const first = segments[0]!
  if (segments.length === 1) return text.length === first.units.length && segmentAt(text, first, 0)
  let position = 0
  let firstMiddle = 0
  if (anchoredStart) {
    if (!segmentAt(text, first, 0)) return false
    position = first.units.length
    firstMiddle = 1
  }
  const lastSegment = segments[segments.length - 1]!
  const endLimit = anchoredEnd ? text.length - lastSegment.units.length : text.length
  if (endLimit < position) return false
  const lastMiddle = anchoredEnd ? segments.length - 2 : segments.length - 1
  for (let index = firstMiddle; index <= lastMiddle; index++) {
    const segment = segments[index]!
    const length = segment.units.length
    if (length === 0) continue
    const found = findSegment(text, segment, position, endLimit - length)
    if (found < 0) return false
    position = found + length
  }
  return anchoredEnd ? segmentAt(text, lastSegment, text.length - lastSegment.units.length) : true
}
