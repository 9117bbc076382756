import { describe, expect, it } from 'vitest'
import { KeywordGate } from './keyword-gate.js'

describe('KeywordGate', () => {
  const gate = KeywordGate.of(['sekurlsa::', 'lsadump::'])!

  it('passes an event with a literal in any value, in any case, at any depth', () => {
    expect(gate.passes({ a: 'x', b: { c: ['run SEKURLSA::logonpasswords'] } }, 32)).toBe(true)
    expect(gate.passes({ a: 'lsadump:: ' }, 32)).toBe(true)
    expect(gate.passes({ a: 'sekurlsa:', b: 'lsadump' }, 32)).toBe(false)
  })

  it('passes short values with a character whose lowercase grows (the automaton decides)', () => {
    expect(gate.passes({ a: 'İ' }, 32)).toBe(true)
    expect(gate.passes({ a: 'ab' }, 32)).toBe(false)
  })

  it('searches numbers and booleans only when a literal could be their text', () => {
    expect(gate.passes({ a: 4688, b: true }, 32)).toBe(false)
    expect(KeywordGate.of(['4688'])!.passes({ a: 4688 }, 32)).toBe(true)
    expect(KeywordGate.of(['rue'])!.passes({ a: true }, 32)).toBe(true)
    expect(KeywordGate.of(['1e+21'])!.passes({ a: 1e21 }, 32)).toBe(true)
  })

  it('is not built for non-ASCII literals', () => {
    expect(KeywordGate.of(['ключ'])).toBeUndefined()
  })
})
