import { describe, expect, it } from 'vitest'
import { LiteralGate } from './literal-gate.js'

describe('LiteralGate', () => {
  const gate = LiteralGate.of(['sekurlsa::', 'lsadump::'])!

  it('passes a text with a literal, in any case', () => {
    expect(gate.passes('run SEKURLSA::logonpasswords')).toBe(true)
    expect(gate.passes('lsadump:: ')).toBe(true)
    expect(gate.passes('sekurlsa: lsadump')).toBe(false)
  })

  it('passes short texts with a character whose lowercase grows (the automaton decides)', () => {
    expect(gate.passes('İ')).toBe(true)
    expect(gate.passes('ab')).toBe(false)
  })

  it('says whether a number or boolean could hold a literal', () => {
    expect(gate.mayMatchScalars).toBe(false)
    expect(LiteralGate.of(['4688'])!.mayMatchScalars).toBe(true)
    expect(LiteralGate.of(['rue'])!.mayMatchScalars).toBe(true)
    expect(LiteralGate.of(['1e+21'])!.mayMatchScalars).toBe(true)
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
