import { describe, expect, it } from 'vitest'
import { buildMatcher } from './rule-builders.test-support.js'

describe('regular expressions run in linear time', () => {
  it('answers (a+)+$ over a catastrophic-backtracking input instead of hanging', () => {
    const match = buildMatcher(`selection:\n  CommandLine|re: '(a+)+$'\ncondition: selection`)
    // A backtracking engine needs ~2^n steps here (n = 5,000): it would never finish.
    const hostile = `${'a'.repeat(5_000)}b`
    expect(match({ CommandLine: hostile })).toBe(false)
    expect(match({ CommandLine: `b${'a'.repeat(5_000)}` })).toBe(true)
    const anchored = buildMatcher(`selection:\n  CommandLine|re: '^(a+)+$'\ncondition: selection`)
    expect(anchored({ CommandLine: hostile })).toBe(false)
    expect(anchored({ CommandLine: 'a'.repeat(5_000) })).toBe(true)
  })

  it('handles nested alternation blow-ups the same way', () => {
    const match = buildMatcher(`selection:\n  Url|re: '^(a|aa)+b$'\ncondition: selection`)
    expect(match({ Url: `${'a'.repeat(10_000)}c` })).toBe(false)
    expect(match({ Url: `${'a'.repeat(10_000)}b` })).toBe(true)
  })
})
