import { RE2JS } from 're2js'
import { describe, expect, it } from 'vitest'
import { regexMinLength } from './regex-min-length.js'

describe('regexMinLength', () => {
  // Each pattern with a shortest text it matches: the bound must be exact here, and never above it.
  const cases: Array<[pattern: string, shortest: string, bound: number]> = [
    ['.{1000,}', 'x'.repeat(1000), 1000],
    ['^.{5,8}$', 'abcde', 5],
    ['\\s[a-fA-F0-9]{64}\\s[a-fA-F0-9]{16}', ` ${'a'.repeat(64)} ${'b'.repeat(16)}`, 82],
    ['\\\\[a-zA-Z0-9]{1,32}\\.[a-zA-Z0-9]{1,6}\\.[ "\']{1}', '\\a.b. ', 6],
    ['(?i)\\$\\{`?e`?n`?v`?:`?p`?a`?t`?h`?\\}', '${ENV:PATH}', 11],
    ['ab*c+?d{2}', 'acdd', 4],
    ['(foo|barbaz){3}x', 'foofoofoox', 1],
    ['a|bcd', 'a', 0],
    ['[]a]{2}[^]]', ']a!', 3],
    ['[[:alpha:]]{3}', 'abc', 3],
    ['\\bword\\b', 'word', 4],
    ['x{,3}', 'x{,3}', 0],
    ['\\x{41}{3}', 'AAA', 0],
    ['a{2}?b', 'aab', 3],
  ]
  for (const [pattern, shortest, bound] of cases) {
    it(`${pattern} needs at least ${bound} characters`, () => {
      expect(RE2JS.compile(pattern).matcher(shortest).find()).toBe(true)
      expect(regexMinLength(pattern)).toBe(bound)
      expect(regexMinLength(pattern)).toBeLessThanOrEqual(shortest.length)
    })
  }

  it('a text shorter than the bound never matches (astral characters count as two units)', () => {
    expect(RE2JS.compile('.{4,}').matcher('😀😀').find()).toBe(false)
    expect(regexMinLength('😀{2}')).toBeLessThanOrEqual('😀😀'.length)
    expect(RE2JS.compile('😀{2}').matcher('😀😀').find()).toBe(true)
  })
})
