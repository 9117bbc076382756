import { describe, expect, it } from 'vitest'
import { LiteralGate } from './literal-gate.js'

describe('LiteralGate', () => {
  const gate = LiteralGate.of(['sekurlsa::', 'lsadump::'])!

  it('passes an event with a literal in any value, in any case, at any depth', () => {
    expect(gate.passesAnyValue({ a: 'x', b: { c: ['run SEKURLSA::logonpasswords'] } }, 32)).toBe(true)
    expect(gate.passesAnyValue({ a: 'lsadump:: ' }, 32)).toBe(true)
    expect(gate.passesAnyValue({ a: 'sekurlsa:', b: 'lsadump' }, 32)).toBe(false)
  })

  it('passes short values with a character whose lowercase grows (the automaton decides)', () => {
    expect(gate.passesAnyValue({ a: 'İ' }, 32)).toBe(true)
    expect(gate.passesAnyValue({ a: 'ab' }, 32)).toBe(false)
  })

  it('searches numbers and booleans only when a literal could be their text', () => {
    expect(gate.passesAnyValue({ a: 4688, b: true }, 32)).toBe(false)
    expect(LiteralGate.of(['4688'])!.passesAnyValue({ a: 4688 }, 32)).toBe(true)
    expect(LiteralGate.of(['rue'])!.passesAnyValue({ a: true }, 32)).toBe(true)
    expect(LiteralGate.of(['1e+21'])!.passesAnyValue({ a: 1e21 }, 32)).toBe(true)
  })

  it('passes a text with any one of many literals that share substrings', () => {
    const literals = [
      'misc::skeleton',
      'kerberos::ptt',
      'lsadump::',
      'gentilkiwi.com',
      'eo.oe.kiwi',
      'mimidrv.sys',
    ]
    const many = LiteralGate.of(literals)!
    for (const literal of literals) expect(many.passes(`x ${literal.toUpperCase()} y`)).toBe(true)
    expect(many.passes('kiwi:: mimidrv sys')).toBe(false)
    expect(many.passes('gentil\u212aiwi.com')).toBe(true)
  })

  it('is not built for non-ASCII literals', () => {
    expect(LiteralGate.of(['ключ'])).toBeUndefined()
  })
})
