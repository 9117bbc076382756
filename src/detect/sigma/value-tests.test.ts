import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../test-support/seeded-random.js'
import { anyOf, type LiteralTest } from './value-tests.js'

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
    const next = seededRandom(5)
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
