import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../test-support/seeded-random.js'
import { LiteralAutomaton, MAX_INDEXED, TWO_STREAM_LENGTH } from './aho-corasick.js'

const CHARS = ['a', 'b', 'c', 'A', 'B', '\\', '.', ' ', 'é', 'İ', 'K', 'k', 'i', '\u0307']

function text(next: () => number, length: number): string {
  let out = ''
  for (let index = 0; index < length; index++) out += CHARS[Math.floor(next() * CHARS.length)]
  return out
}

function reported(automaton: LiteralAutomaton, input: string): Set<number> {
  const found = new Set<number>()
  automaton.scan(input, (value) => found.add(value))
  return found
}

describe('LiteralAutomaton', () => {
  it('reports every literal whose lowercase occurs in the lowercase text (random cases)', () => {
    const next = seededRandom(7)
    for (let round = 0; round < 200; round++) {
      const literals = Array.from({ length: 1 + Math.floor(next() * 30) }, (_, value) => ({
        literal: text(next, 1 + Math.floor(next() * 5)).toLowerCase(),
        value,
      }))
      const automaton = new LiteralAutomaton(literals)
      for (let sample = 0; sample < 20; sample++) {
        const input = text(next, Math.floor(next() * 40))
        const found = reported(automaton, input)
        const lower = input.toLowerCase()
        for (const { literal, value } of literals) {
          if (lower.includes(literal)) expect(found.has(value), `${literal} in ${input}`).toBe(true)
          // Pure ASCII on both sides: the pre-filter is exact.
          if (!/[^ -~]/.test(literal + input))
            expect(found.has(value), `${literal} vs ${input}`).toBe(lower.includes(literal))
        }
      }
    }
  })

  it('reports every literal in long texts, scanned as two halves, including at the border', () => {
    const next = seededRandom(9)
    for (let round = 0; round < 100; round++) {
      const literals = Array.from({ length: 1 + Math.floor(next() * 20) }, (_, value) => ({
        literal: text(next, 1 + Math.floor(next() * 24)).toLowerCase(),
        value,
      }))
      const automaton = new LiteralAutomaton(literals)
      for (let sample = 0; sample < 20; sample++) {
        const length = TWO_STREAM_LENGTH + Math.floor(next() * 100)
        // A literal planted across the middle, where the two halves meet.
        const planted = literals[Math.floor(next() * literals.length)]!.literal
        const start = Math.max(0, (length >> 1) - Math.floor(next() * planted.length))
        const filler = text(next, length)
        const input = filler.slice(0, start) + planted + filler.slice(start + planted.length)
        const found = reported(automaton, input)
        const lower = input.toLowerCase()
        for (const { literal, value } of literals) {
          if (lower.includes(literal)) expect(found.has(value), `${literal} in ${input}`).toBe(true)
        }
      }
    }
  })

  it('indexes a long literal by its suffix: reports it when the suffix occurs', () => {
    const literal = `head${'x'.repeat(MAX_INDEXED)}`
    const automaton = new LiteralAutomaton([
      { literal, value: 1 },
      { literal: 'abc', value: 2 },
    ])
    expect([...reported(automaton, `--${literal}--`)]).toEqual([1])
    expect([...reported(automaton, `${'X'.repeat(MAX_INDEXED)}-ABC`)].sort()).toEqual([1, 2])
    expect(reported(automaton, 'x'.repeat(MAX_INDEXED - 1)).size).toBe(0)
  })

  it('grows its table past the first estimate: thousands of literals sharing no prefix', () => {
    const next = seededRandom(11)
    const letters = 'abcdefghijklmnopqrstuvwxyz0123456789'
    const literals = Array.from({ length: 3_000 }, (_, value) => ({
      literal: Array.from({ length: MAX_INDEXED }, () => letters[Math.floor(next() * letters.length)]).join(
        '',
      ),
      value,
    }))
    const automaton = new LiteralAutomaton(literals)
    for (const { literal, value } of literals.filter((_, index) => index % 97 === 0)) {
      expect(reported(automaton, `-- ${literal.toUpperCase()} --`).has(value), literal).toBe(true)
    }
    expect(reported(automaton, '-'.repeat(200)).size).toBe(0)
  })

  it('reports an empty literal for every text', () => {
    const automaton = new LiteralAutomaton([{ literal: '', value: 4 }])
    expect([...reported(automaton, '')]).toEqual([4])
  })
})
