import { RE2JS } from 're2js'
import type { EventView } from '../mapping/event-view.js'
import { LEAF_SEPARATOR, scalarText } from '../mapping/event-view.js'
import { type FieldRef, fieldRef } from '../mapping/field-ref.js'
import { cidrContains, parseCidr, parseIp } from './cidr.js'
import { RuleLoadError, type RuleLocation, UnsupportedRuleError } from './errors.js'
import { regexRequiredClassRun, regexRequiredLiteral, regexRequiredLiterals } from './regex-literal.js'
import { regexMinLength } from './regex-min-length.js'
import { regexNativeGate } from './regex-native-gate.js'
import {
  ANY_CHARS,
  longestLiteral,
  lowerPattern,
  normalizePattern,
  parseSigmaString,
  type SigmaPattern,
} from './sigma-string.js'
import { compileStringPattern, type StringTest } from './string-matcher.js'
import { isTimeModifier, type TimeModifier, timePart } from './time-parts.js'
import {
  applyTransform,
  expandPlaceholders,
  isTransformModifier,
  type PlaceholderValues,
  TransformError,
  type TransformedValue,
  type TransformModifier,
} from './transforms.js'
import type { FieldItem, RuleValue } from './types.js'
import { allOf, anyOf, type LiteralTest } from './value-tests.js'

export interface CompileOptions {
  /** Values for `expand` placeholders, by name without `%` (e.g. `{ Administrators: ['adm_*'] }`). */
  placeholders?: PlaceholderValues
}

/** One compiled `field|modifiers: values` entry. */
export interface CompiledItem {
  /** null for keyword (full-text) searches. */
  field: FieldRef | null
  path: string
  test: (view: EventView) => boolean
  /**
   * Lowercase substrings of which at least one occurs in the field's lowercase text whenever
   * `test` is true (a necessary condition for the literal pre-filter); undefined when none exists.
   */
  literals: string[] | undefined
  /** For keyword searches: the event values that matched. */
  matchedKeywords?: (view: EventView) => string[]
}

type Position = 'contains' | 'startswith' | 'endswith'
type Comparison = 'lt' | 'lte' | 'gt' | 'gte'
type MatchKind = 're' | 'cidr' | 'exists' | 'fieldref' | Comparison | TimeModifier

interface ParsedModifiers {
  transforms: TransformModifier[]
  position: Position | undefined
  kind: MatchKind | undefined
  comparison: Comparison | undefined
  regexFlags: string
  all: boolean
  cased: boolean
  neq: boolean
}

const COMPARISONS = ['lt', 'lte', 'gt', 'gte']
/**
 * Shortest literal worth indexing in the pre-filter. Two characters are enough: a rule whose
 * rarest literal is `^^` or an EventID `16` is otherwise evaluated on every event, which costs
 * more than the hits of a short literal.
 */
const MIN_LITERAL = 2

/**
 * Single ASCII characters rare enough in command lines and paths to index a rule: PowerShell's
 * backtick escape (the token-obfuscation rule's regex has no other literal).
 */
const RARE_CHARACTERS = new Set(['`'])

/**
 * Can `literal` index a rule in the pre-filter? MIN_LITERAL characters or more, one rare ASCII
 * character, or one non-ASCII character (a Cyrillic homoglyph, a right-to-left override): rare in
 * event text, and found by the automaton wherever the text has a non-ASCII character (it folds
 * them all into one symbol), so the homoglyph and emoji rules run only on such texts instead of
 * on every event.
 */
function indexable(literal: string): boolean {
  if (literal.length >= MIN_LITERAL) return true
  return literal.length === 1 && (literal.charCodeAt(0) >= 128 || RARE_CHARACTERS.has(literal))
}

function parseModifiers(item: FieldItem, where: RuleLocation): ParsedModifiers {
  const parsed: ParsedModifiers = {
    transforms: [],
    position: undefined,
    kind: undefined,
    comparison: undefined,
    regexFlags: '',
    all: false,
    cased: false,
    neq: false,
  }
  const setKind = (kind: MatchKind, name: string) => {
    if (parsed.kind !== undefined)
      throw new RuleLoadError(where, `modifier ${name} cannot be combined with ${parsed.kind}`)
    parsed.kind = kind
  }
  for (const name of item.modifiers) {
    if (isTransformModifier(name)) parsed.transforms.push(name)
    else if (name === 'contains' || name === 'startswith' || name === 'endswith') {
      if (parsed.position !== undefined) {
        throw new RuleLoadError(where, `modifier ${name} cannot be combined with ${parsed.position}`)
      }
      parsed.position = name
    } else if (name === 'all') parsed.all = true
    else if (name === 'cased') parsed.cased = true
    else if (name === 'neq') parsed.neq = true
    else if (name === 'i' || name === 'm' || name === 's') {
      if (parsed.kind !== 're') throw new RuleLoadError(where, `modifier ${name} is only valid after re`)
      parsed.regexFlags += name
    } else if (COMPARISONS.includes(name)) {
      if (parsed.kind !== undefined && isTimeModifier(parsed.kind)) parsed.comparison = name as Comparison
      else setKind(name as Comparison, name)
    } else if (isTimeModifier(name)) {
      if (parsed.kind !== undefined && COMPARISONS.includes(parsed.kind)) {
        parsed.comparison = parsed.kind as Comparison
        parsed.kind = name
      } else setKind(name, name)
    } else if (name === 're' || name === 'cidr' || name === 'exists' || name === 'fieldref')
      setKind(name, name)
    else if (name === '') throw new RuleLoadError(where, 'empty modifier')
    else throw new UnsupportedRuleError(where, `modifier "${name}"`)
  }
  if (parsed.kind !== undefined && parsed.kind !== 'fieldref' && parsed.position !== undefined) {
    throw new RuleLoadError(where, `modifier ${parsed.position} cannot be combined with ${parsed.kind}`)
  }
  if (parsed.kind !== undefined && parsed.transforms.length > 0) {
    throw new RuleLoadError(where, `modifier ${parsed.transforms[0]} cannot be combined with ${parsed.kind}`)
  }
  if (parsed.all && item.values.length < 2) {
    throw new RuleLoadError(where, 'modifier all needs a list of at least two values')
  }
  return parsed
}

export function compileItem(item: FieldItem, ruleWhere: RuleLocation, options: CompileOptions): CompiledItem {
  const where: RuleLocation = { ...ruleWhere, line: item.line, field: item.path }
  const modifiers = parseModifiers(item, where)
  const field = item.field === null ? null : fieldRef(item.field)
  const nulls = item.values.filter((value) => value.value === null)
  if (nulls.length > 0 && item.values.length > 1) {
    throw new RuleLoadError(where, 'null cannot be part of a list of values; use a separate selection')
  }
  let compiled: CompiledItem
  if (field === null) compiled = compileKeywords(item, modifiers, where, options)
  else if (nulls.length > 0) {
    if (item.modifiers.some((name) => name !== 'neq')) {
      throw new RuleLoadError(where, 'a null value cannot take modifiers (use exists)')
    }
    compiled = { field, path: item.path, test: (view) => view.get(field) == null, literals: undefined }
  } else compiled = compileFieldItem(field, item, modifiers, where, options)
  if (!modifiers.neq) return compiled
  const inner = compiled.test
  return { ...compiled, test: (view) => !inner(view), literals: undefined }
}

function compileFieldItem(
  field: FieldRef,
  item: FieldItem,
  modifiers: ParsedModifiers,
  where: RuleLocation,
  options: CompileOptions,
): CompiledItem {
  const base = { field, path: item.path }
  switch (modifiers.kind) {
    case 'exists': {
      const expected = singleBoolean(item, where)
      return { ...base, test: (view) => (view.get(field) !== undefined) === expected, literals: undefined }
    }
    case 're':
      return {
        ...base,
        test: onRawText(
          field,
          combine(
            item.values.map((value) => regexTest(value, modifiers, where)),
            modifiers.all,
          ),
        ),
        literals: regexLiterals(item.values, modifiers.all),
      }
    case 'cidr': {
      const ranges = item.values.map((value) => {
        const range = parseCidr(value.text)
        if (range === undefined) throw new RuleLoadError(where, `"${value.text}" is not a CIDR range`)
        return range
      })
      const test = (text: string) => {
        const address = parseIp(text)
        if (address === undefined) return false
        return modifiers.all
          ? ranges.every((range) => cidrContains(range, address))
          : ranges.some((range) => cidrContains(range, address))
      }
      return { ...base, test: onRawText(field, test), literals: undefined }
    }
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte': {
      const compare = comparator(modifiers.kind)
      const limits = item.values.map((value) => numberValue(value, where))
      const test = (text: string) => {
        if (text.trim() === '') return false
        const number = Number(text)
        if (Number.isNaN(number)) return false
        return modifiers.all
          ? limits.every((limit) => compare(number, limit))
          : limits.some((limit) => compare(number, limit))
      }
      return { ...base, test: onRawText(field, test), literals: undefined }
    }
    case 'fieldref':
      return { ...base, test: fieldrefTest(field, item, modifiers, where), literals: undefined }
    case undefined:
      return compileStringItem(field, item, modifiers, where, options)
    default: {
      const part = modifiers.kind
      const compare =
        modifiers.comparison === undefined
          ? (a: number, b: number) => a === b
          : comparator(modifiers.comparison)
      const targets = item.values.map((value) => numberValue(value, where))
      const test = (view: EventView) => {
        const raw = view.get(field)
        const values = Array.isArray(raw) ? raw : [raw]
        return values.some((value) => {
          const actual = timePart(value, part)
          if (actual === undefined) return false
          return modifiers.all
            ? targets.every((target) => compare(actual, target))
            : targets.some((target) => compare(actual, target))
        })
      }
      return { ...base, test, literals: undefined }
    }
  }
}

/** Builds each value's final patterns (transforms, then contains/startswith/endswith wildcards). */
function valuePatterns(
  value: RuleValue,
  modifiers: ParsedModifiers,
  where: RuleLocation,
  options: CompileOptions,
  keyword: boolean,
): SigmaPattern[] {
  if (value.value === null) throw new RuleLoadError(where, 'null is not valid here')
  const text = typeof value.value === 'string' ? value.value : value.text
  let values: TransformedValue[]
  try {
    values = modifiers.transforms.includes('expand')
      ? expandPlaceholders(text, options.placeholders ?? {})
      : [{ pattern: typeof value.value === 'string' ? parseSigmaString(text) : [text], binary: false }]
    for (const transform of modifiers.transforms) values = applyTransform(transform, values)
  } catch (error) {
    if (error instanceof TransformError)
      throw new RuleLoadError({ ...where, line: value.line }, error.message)
    throw error
  }
  const position = modifiers.position ?? (keyword ? 'contains' : undefined)
  return values.map(({ pattern }) => {
    const withEnds: SigmaPattern = [...pattern]
    if (position === 'contains' || position === 'endswith') withEnds.unshift(ANY_CHARS)
    if (position === 'contains' || position === 'startswith') withEnds.push(ANY_CHARS)
    return normalizePattern(modifiers.cased ? withEnds : lowerPattern(withEnds))
  })
}

function literalTest(pattern: SigmaPattern): LiteralTest | undefined {
  const literals = pattern.filter((part) => typeof part === 'string')
  const hasOther = pattern.some((part) => typeof part !== 'string' && part !== ANY_CHARS)
  if (hasOther || literals.length > 1) return undefined
  const needle = (literals[0] as string | undefined) ?? ''
  const starts = pattern[0] === ANY_CHARS
  const ends = pattern.length > 1 && pattern[pattern.length - 1] === ANY_CHARS
  if (pattern.length === 0) return { kind: 'equals', needle: '' }
  if (needle === '') return undefined
  if (starts && ends) return { kind: 'contains', needle }
  if (starts) return { kind: 'endswith', needle }
  if (ends) return { kind: 'startswith', needle }
  return { kind: 'equals', needle }
}

function patternsTest(patterns: SigmaPattern[]): StringTest {
  const literals: LiteralTest[] = []
  const others: StringTest[] = []
  for (const pattern of patterns) {
    const literal = literalTest(pattern)
    if (literal === undefined) others.push(compileStringPattern(pattern))
    else literals.push(literal)
  }
  return anyOf(literals, others)
}

/** Strings (case-insensitive by default, `cased` for exact case), numbers and booleans. */
function compileStringItem(
  field: FieldRef,
  item: FieldItem,
  modifiers: ParsedModifiers,
  where: RuleLocation,
  options: CompileOptions,
): CompiledItem {
  const perValue = item.values.map((value) => valuePatterns(value, modifiers, where, options, false))
  const numericAlternatives = item.values
    .filter((value) => typeof value.value === 'number' && modifiers.transforms.length === 0)
    .map((value) => value.value as number)
  // A value expands to several patterns (windash, base64offset): those are alternatives (OR);
  // `all` applies across the values as written.
  const tests = modifiers.all ? perValue.map(patternsTest) : [patternsTest(perValue.flat())]
  let textTest = modifiers.all ? allOf(tests) : tests[0]!
  if (numericAlternatives.length > 0 && !modifiers.all && modifiers.position === undefined) {
    const byText = textTest
    textTest = (text) => byText(text) || (text.trim() !== '' && numericAlternatives.includes(Number(text)))
  }
  const literals = itemLiterals(perValue, modifiers.all)
  const test = modifiers.cased ? onRawText(field, textTest) : onLowerText(field, textTest)
  return { field, path: item.path, test, literals }
}

function itemLiterals(perValue: SigmaPattern[][], all: boolean): string[] | undefined {
  const valueLiterals = perValue.map((patterns) =>
    patterns.map((pattern) => longestLiteral(lowerPattern(pattern))),
  )
  if (all) {
    let best: string[] | undefined
    for (const literals of valueLiterals) {
      const shortest = Math.min(...literals.map((literal) => literal.length))
      if (
        literals.every(indexable) &&
        (best === undefined || shortest > Math.min(...best.map((l) => l.length)))
      )
        best = literals
    }
    return best
  }
  const flat = valueLiterals.flat()
  return flat.every(indexable) ? [...new Set(flat)] : undefined
}

function compileKeywords(
  item: FieldItem,
  modifiers: ParsedModifiers,
  where: RuleLocation,
  options: CompileOptions,
): CompiledItem {
  if (modifiers.kind !== undefined && modifiers.kind !== 're') {
    throw new RuleLoadError(where, `modifier ${modifiers.kind} needs a field name`)
  }
  const exact = modifiers.cased || modifiers.kind === 're'
  // One test per value as written (AND for `all`, else one OR over all of them). A test on
  // plain substrings searches the event's joined text once per needle instead of every value.
  let tests: Array<(view: EventView) => boolean>
  let leafTests: StringTest[]
  if (modifiers.kind === 're') {
    leafTests = item.values.map((value) => regexTest(value, modifiers, where))
    tests = modifiers.all
      ? leafTests.map((test) => leafSearch(test, exact))
      : [leafSearch(combine(leafTests, false), exact)]
  } else {
    const perValue = item.values.map((value) => valuePatterns(value, modifiers, where, options, true))
    const groups = modifiers.all ? perValue : [perValue.flat()]
    leafTests = groups.map(patternsTest)
    tests = groups.map((patterns, index) => {
      const needles = patterns.map(containedLiteral)
      if (
        needles.every((needle): needle is string => needle !== undefined && !needle.includes(LEAF_SEPARATOR))
      ) {
        return (view: EventView) => {
          const text = exact ? view.joinedLeaves() : view.lowerJoinedLeaves()
          for (const needle of needles) if (text.includes(needle)) return true
          return false
        }
      }
      return leafSearch(leafTests[index]!, exact)
    })
  }
  const test = (view: EventView) => {
    for (const keywordTest of tests) if (!keywordTest(view)) return false
    return true
  }
  const matchedKeywords = (view: EventView) => {
    const leaves = exact ? view.leafStrings() : view.lowerLeafStrings()
    const original = view.leafStrings()
    return original.filter((_, index) => leafTests.some((keywordTest) => keywordTest(leaves[index]!)))
  }
  const literals = modifiers.kind === 're' ? undefined : keywordLiterals(item, modifiers, where, options)
  return { field: null, path: item.path, test, literals, matchedKeywords }
}

function keywordLiterals(
  item: FieldItem,
  modifiers: ParsedModifiers,
  where: RuleLocation,
  options: CompileOptions,
) {
  const perValue = item.values.map((value) => valuePatterns(value, modifiers, where, options, true))
  return itemLiterals(perValue, modifiers.all)
}

/** Literals the regexes require (see regexRequiredLiteral), in the shape of `itemLiterals`. */
function regexLiterals(values: RuleValue[], all: boolean): string[] | undefined {
  const literals = values.map((value) =>
    typeof value.value === 'string' ? regexRequiredLiteral(value.value) : '',
  )
  if (all) {
    const longest = literals.reduce((best, literal) => (literal.length > best.length ? literal : best), '')
    return indexable(longest) ? [longest] : undefined
  }
  return literals.every(indexable) ? [...new Set(literals)] : undefined
}

/** The needle of a `*text*` pattern, or undefined for any other shape. */
function containedLiteral(pattern: SigmaPattern): string | undefined {
  if (pattern.length !== 3 || pattern[0] !== ANY_CHARS || pattern[2] !== ANY_CHARS) return undefined
  return typeof pattern[1] === 'string' ? pattern[1] : undefined
}

function leafSearch(test: StringTest, exact: boolean): (view: EventView) => boolean {
  return (view) => (exact ? view.leafStrings() : view.lowerLeafStrings()).some(test)
}

function regexTest(value: RuleValue, modifiers: ParsedModifiers, where: RuleLocation): StringTest {
  if (typeof value.value !== 'string')
    throw new RuleLoadError({ ...where, line: value.line }, 're needs a string value')
  let flags = 0
  if (modifiers.regexFlags.includes('i')) flags |= RE2JS.CASE_INSENSITIVE
  if (modifiers.regexFlags.includes('m')) flags |= RE2JS.MULTILINE
  if (modifiers.regexFlags.includes('s')) flags |= RE2JS.DOTALL
  let regex: RE2JS
  try {
    regex = RE2JS.compile(value.value, flags)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new UnsupportedRuleError(
      { ...where, line: value.line },
      `regular expression "${value.value}" (${reason}); only linear-time (RE2) syntax is accepted`,
    )
  }
  // Necessary conditions checked natively before running re2js (most texts fail them): the
  // length of the shortest match (regexMinLength) and literals every match has.
  const minLength = regexMinLength(value.value)
  const caseSensitive = !modifiers.regexFlags.includes('i') && !/\(\?[a-zA-Z-]*i/.test(value.value)
  const required = regexRequiredLiterals(value.value, caseSensitive)
  const classRun = caseSensitive ? regexRequiredClassRun(value.value) : undefined
  // A native regex accepting every match of a simple pattern (see regexNativeGate) stands in for
  // re2js on the texts it rejects; re2js still decides the rest.
  const native = modifiers.regexFlags === '' ? regexNativeGate(value.value) : undefined
  const confirm =
    native === undefined ? regex : { test: (text: string) => native.test(text) && regex.test(text) }
  if (required.length > 0 || classRun !== undefined) {
    return (text) => {
      if (text.length < minLength) return false
      for (const literal of required) if (!text.includes(literal)) return false
      if (classRun !== undefined && !classRun.test(text)) return false
      return confirm.test(text)
    }
  }
  if (minLength > 1) return (text) => text.length >= minLength && confirm.test(text)
  return (text) => confirm.test(text)
}

function fieldrefTest(field: FieldRef, item: FieldItem, modifiers: ParsedModifiers, where: RuleLocation) {
  const others = item.values.map((value) => {
    if (typeof value.value !== 'string' || value.value === '')
      throw new RuleLoadError(where, 'fieldref needs field names')
    return fieldRef(value.value)
  })
  const compare = fieldrefCompare(modifiers.position, modifiers.cased)
  const all = modifiers.all
  return (view: EventView) => {
    const own = scalarText(view.get(field))
    if (own === undefined) return false
    for (let index = 0; index < others.length; index++) {
      const theirs = scalarText(view.get(others[index]!))
      const holds = theirs !== undefined && compare(own, theirs)
      if (holds !== all) return holds
    }
    return all
  }
}

/**
 * Compares a field's text with another field's, case-insensitively unless `cased`. Equality, the
 * usual case (`Image|fieldref: ParentImage` on every process creation), lowercases nothing when
 * the lengths already differ: lowercasing keeps a string's length but for İ (U+0130, two units).
 */
function fieldrefCompare(
  position: Position | undefined,
  cased: boolean,
): (own: string, theirs: string) => boolean {
  const compare = singleTestFor(position)
  if (cased) return compare
  if (position !== undefined) return (own, theirs) => compare(own.toLowerCase(), theirs.toLowerCase())
  return (own, theirs) => {
    if (own === theirs) return true
    if (own.length !== theirs.length && !own.includes('\u0130') && !theirs.includes('\u0130')) return false
    return own.toLowerCase() === theirs.toLowerCase()
  }
}

function singleTestFor(position: Position | undefined): (text: string, needle: string) => boolean {
  if (position === 'contains') return (text, needle) => text.includes(needle)
  if (position === 'startswith') return (text, needle) => text.startsWith(needle)
  if (position === 'endswith') return (text, needle) => text.endsWith(needle)
  return (text, needle) => text === needle
}

function combine(tests: StringTest[], all: boolean): StringTest {
  if (tests.length === 1) return tests[0]!
  return all ? allOf(tests) : (text) => tests.some((test) => test(text))
}

function comparator(kind: Comparison): (a: number, b: number) => boolean {
  switch (kind) {
    case 'lt':
      return (a, b) => a < b
    case 'lte':
      return (a, b) => a <= b
    case 'gt':
      return (a, b) => a > b
    case 'gte':
      return (a, b) => a >= b
  }
}

function numberValue(value: RuleValue, where: RuleLocation): number {
  const number =
    typeof value.value === 'number'
      ? value.value
      : typeof value.value === 'string'
        ? Number(value.value)
        : Number.NaN
  if (typeof value.value === 'string' && value.value.trim() === '')
    throw new RuleLoadError(where, 'expected a number')
  if (Number.isNaN(number))
    throw new RuleLoadError({ ...where, line: value.line }, `"${value.text}" is not a number`)
  return number
}

function singleBoolean(item: FieldItem, where: RuleLocation): boolean {
  const value = item.values[0]
  if (item.values.length !== 1 || value === undefined || typeof value.value !== 'boolean') {
    throw new RuleLoadError(where, 'exists takes true or false')
  }
  return value.value
}

/** Applies a text test to the field (any element of an array), on the original case. */
function onRawText(field: FieldRef, test: StringTest): (view: EventView) => boolean {
  return (view) => {
    const raw = view.get(field)
    if (raw == null) return false
    if (Array.isArray(raw)) {
      for (const element of raw) {
        const text = scalarText(element)
        if (text !== undefined && test(text)) return true
      }
      return false
    }
    const text = scalarText(raw)
    return text !== undefined && test(text)
  }
}

/** Applies a text test to the lowercase field text, lowercased once per event. */
function onLowerText(field: FieldRef, test: StringTest): (view: EventView) => boolean {
  return (view) => {
    const text = view.lower(field)
    if (text !== undefined) return test(text)
    const raw = view.get(field)
    if (!Array.isArray(raw)) return false
    for (const element of raw) {
      const elementText = scalarText(element)
      if (elementText !== undefined && test(elementText.toLowerCase())) return true
    }
    return false
  }
}
