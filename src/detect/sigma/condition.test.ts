import { describe, expect, it } from 'vitest'
import { parseCondition } from './condition-parser.js'
import { buildMatcher } from './rule-builders.test-support.js'

const searches = `a:\n  A: 'yes'\nb:\n  B: 'yes'\nc:\n  C: 'yes'\n`

function conditionMatcher(condition: string) {
  return buildMatcher(`${searches}condition: ${condition}`)
}

/** Events with the given fields set to "yes". */
function event(...fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((field) => [field, 'yes']))
}

describe('condition parser', () => {
  it('binds not tighter than and, and tighter than or', () => {
    expect(parseCondition('a or b and not c')).toEqual({
      kind: 'or',
      items: [
        { kind: 'ref', name: 'a' },
        {
          kind: 'and',
          items: [
            { kind: 'ref', name: 'b' },
            { kind: 'not', item: { kind: 'ref', name: 'c' } },
          ],
        },
      ],
    })
  })

  it('parses x of patterns and them', () => {
    expect(parseCondition('1 of selection_* and not all of them')).toEqual({
      kind: 'and',
      items: [
        { kind: 'of', quantifier: 'one', pattern: 'selection_*' },
        { kind: 'not', item: { kind: 'of', quantifier: 'all', pattern: 'them' } },
      ],
    })
  })

  it.each([
    ['a and', /unexpected end/],
    ['(a or b', /missing closing parenthesis/],
    ['a b', /unexpected "b"/],
    ['selection | count() > 5', /aggregation/],
    ['2 of selection*', /"2 of" is not supported/],
    ['and a', /unexpected "and"/],
  ])('rejects %s', (text, message) => {
    expect(() => parseCondition(text)).toThrow(message)
  })
})

describe('condition evaluation', () => {
  it('and / or / not', () => {
    expect(conditionMatcher('a and b')(event('A', 'B'))).toBe(true)
    expect(conditionMatcher('a and b')(event('A'))).toBe(false)
    expect(conditionMatcher('a or b')(event('B'))).toBe(true)
    expect(conditionMatcher('a or b')(event('C'))).toBe(false)
    expect(conditionMatcher('a and not b')(event('A'))).toBe(true)
    expect(conditionMatcher('a and not b')(event('A', 'B'))).toBe(false)
  })

  it('precedence: a or b and c is a or (b and c)', () => {
    const match = conditionMatcher('a or b and c')
    expect(match(event('A'))).toBe(true)
    expect(match(event('B'))).toBe(false)
    expect(match(event('B', 'C'))).toBe(true)
  })

  it('not binds tighter than and: not a and b is (not a) and b', () => {
    const match = conditionMatcher('not a and b')
    expect(match(event('B'))).toBe(true)
    expect(match(event('A', 'B'))).toBe(false)
    expect(match(event())).toBe(false)
  })

  it('parentheses override precedence', () => {
    const match = conditionMatcher('(a or b) and c')
    expect(match(event('A'))).toBe(false)
    expect(match(event('A', 'C'))).toBe(true)
    const negated = conditionMatcher('not (a or b)')
    expect(negated(event('C'))).toBe(true)
    expect(negated(event('B'))).toBe(false)
  })

  it('1 of / all of a pattern', () => {
    const detection = `selection_one:\n  A: 'yes'\nselection_two:\n  B: 'yes'\nfilter:\n  C: 'yes'\n`
    const one = buildMatcher(`${detection}condition: 1 of selection_* and not filter`)
    expect(one(event('B'))).toBe(true)
    expect(one(event('B', 'C'))).toBe(false)
    const all = buildMatcher(`${detection}condition: all of selection_*`)
    expect(all(event('A'))).toBe(false)
    expect(all(event('A', 'B'))).toBe(true)
  })

  it('them excludes identifiers that start with an underscore', () => {
    const detection = `a:\n  A: 'yes'\n_helper:\n  H: 'yes'\n`
    const allOfThem = buildMatcher(`${detection}condition: all of them`)
    expect(allOfThem(event('A'))).toBe(true)
    const oneOfThem = buildMatcher(`${detection}condition: 1 of them`)
    expect(oneOfThem(event('H'))).toBe(false)
  })

  it('a list of conditions is linked with OR', () => {
    const match = buildMatcher(`${searches}condition:\n  - a and b\n  - c`)
    expect(match(event('C'))).toBe(true)
    expect(match(event('A', 'B'))).toBe(true)
    expect(match(event('A'))).toBe(false)
  })

  it('a map is AND of its fields; a list of maps is OR', () => {
    const andMap = buildMatcher(
      `selection:\n  EventLog: Security\n  EventID:\n    - 517\n    - 1102\ncondition: selection`,
    )
    expect(andMap({ EventLog: 'Security', EventID: 517 })).toBe(true)
    expect(andMap({ EventLog: 'System', EventID: 517 })).toBe(false)
    const orList = buildMatcher(
      `selection:\n  - Image|endswith: '\\example.exe'\n  - Description|contains: 'Test executable'\ncondition: selection`,
    )
    expect(orList({ Description: 'a Test executable' })).toBe(true)
    expect(orList({ Image: 'C:\\example.exe' })).toBe(true)
    expect(orList({ Image: 'C:\\other.exe' })).toBe(false)
  })

  it('an identifier pattern that matches nothing is a load error', () => {
    expect(() => buildMatcher(`${searches}condition: 1 of filter_*`)).toThrow(/matches no search identifier/)
  })

  it('an undefined identifier is a load error', () => {
    expect(() => buildMatcher(`${searches}condition: a and missing`)).toThrow(
      /undefined search identifier "missing"/,
    )
  })
})
