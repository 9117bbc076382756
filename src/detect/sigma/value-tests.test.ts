import { describe, expect, it } from 'vitest'
import { anyOf, type LiteralTest } from './value-tests.js'

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let value = Math.imul(state ^ (state >>> 15), 1 | state)
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296
  }
}

const CHARS = ['a', 'b', 'c', '\\', '.', 'é']

function text(next: () => number, length: number): string {
  let out = ''
  for (let index = 0; index < length; index++) out += CHARS[Math.floor(next() * CHARS.length)]
  return out
}

function naive(literals: LiteralTest[], input: string): boolean {
  return literals.some(({ kind, needle }) =>
    kind === 'endswith' ? input.endsWith(needle) : kind === 'startswith' ? input.startsWith(needle) : false,
  )
}

describe('anyOf', () => {
  it('long endswith and startswith lists (bucketed) agree with testing every needle', () => {
    const next = random(5)
    for (let round = 0; round < 100; round++) {
      const kind = next() < 0.5 ? 'endswith' : 'startswith'
      const literals: LiteralTest[] = Array.from({ length: 8 + Math.floor(next() * 30) }, () => ({
        kind,
        needle: text(next, 1 + Math.floor(next() * 6)),
      }))
      const test = anyOf(literals, [])
      for (let sample = 0; sample < 50; sample++) {
        const input = text(next, Math.floor(next() * 10))
        expect(test(input), `${kind} ${literals.map((l) => l.needle)} on ${input}`).toBe(
          naive(literals, input),
        )
      }
    }
  })
})
