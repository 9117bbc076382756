import { describe, expect, it } from 'vitest'
import { fingerprint, MemoBudget, ScanMemo } from './scan-memo.js'

const found = (...values: number[]) => Int32Array.from(values)

/** Characters of the texts among `texts` that the memo still gives back. */
function keptChars(memo: ScanMemo, texts: string[]): number {
  return texts.filter((text) => memo.get(text) !== undefined).reduce((sum, text) => sum + text.length, 0)
}

describe('scan memo', () => {
  it('gives back what was found in a text, for that exact text only', () => {
    const memo = new ScanMemo()
    memo.set('c:\\windows\\system32\\cmd.exe', found(3, 8))
    expect(memo.get('c:\\windows\\system32\\cmd.exe')).toEqual(found(3, 8))
    expect(memo.get('c:\\windows\\system32\\CMD.exe')).toBeUndefined()
    expect(memo.get('c:\\windows\\system32\\cmd.ex')).toBeUndefined()
  })

  it('keeps long texts up to its longest, in their own table', () => {
    const memo = new ScanMemo({ maxLength: 2_000, shortLength: 100 })
    const long = `${'x'.repeat(1_500)} powershell -enc`
    memo.set(long, found(1))
    memo.set(long, found(1))
    memo.set('y'.repeat(2_001), found(2))
    memo.set('y'.repeat(2_001), found(2))
    for (let index = 0; index < 5_000; index++) memo.set(`short text ${index}`, found(index))
    expect(memo.get(long)).toEqual(found(1))
    expect(memo.get('y'.repeat(2_001))).toBeUndefined()
  })

  it('keeps the texts that share a fingerprint side by side', () => {
    const slots = 64
    const bySet = new Map<number, string[]>()
    let group: string[] | undefined
    for (let index = 0; group === undefined; index++) {
      const text = `C:\\Windows\\System32\\ntdll.dll+${index.toString(16)}`
      const set = (fingerprint(text) & (slots - 1)) >> 2
      const members = [...(bySet.get(set) ?? []), text]
      bySet.set(set, members)
      if (members.length === 4) group = members
    }
    const memo = new ScanMemo({ shortSlots: slots })
    for (const [index, text] of group.entries()) memo.set(text, found(index))
    expect(group.map((text) => memo.get(text))).toEqual([found(0), found(1), found(2), found(3)])
  })

  it('keeps a long text the second time it comes (most never come again)', () => {
    const memo = new ScanMemo()
    const trace = 'C:\\Windows\\System32\\RPCRT4.dll+2d2d4|'.repeat(16)
    memo.set(trace, found(1))
    expect(memo.get(trace)).toBeUndefined()
    memo.set(trace, found(1))
    expect(memo.get(trace)).toEqual(found(1))
  })

  it('holds no more characters than its budget, and the latest text', () => {
    const memo = new ScanMemo({ budget: new MemoBudget(1_000) })
    const texts = Array.from({ length: 2_000 }, (_, index) => `text number ${index} of a long stream`)
    for (const [index, text] of texts.entries()) memo.set(text, found(index))
    expect(keptChars(memo, texts)).toBeLessThanOrEqual(1_000)
    expect(keptChars(memo, texts)).toBeGreaterThan(500)
    expect(memo.get(texts.at(-1)!)).toEqual(found(1_999))
  })

  it('spreads texts that differ only in a few characters over many slots', () => {
    const slots = new Set<number>()
    for (let index = 0; index < 1_000; index++) {
      slots.add(fingerprint(`        Sequence Number = ${index}\r`) & 2_047)
    }
    expect(slots.size).toBeGreaterThan(500)
  })

  it('shares its budget with other memos, evicting its own texts first', () => {
    const budget = new MemoBudget(1_000)
    const busy = new ScanMemo({ budget })
    const quiet = new ScanMemo({ budget })
    quiet.set('c:\\windows\\system32\\svchost.exe', found(7))
    const texts = Array.from({ length: 500 }, (_, index) => `a busy field's text number ${index}`)
    for (const [index, text] of texts.entries()) busy.set(text, found(index))
    expect(quiet.get('c:\\windows\\system32\\svchost.exe')).toEqual(found(7))
    expect(keptChars(busy, texts)).toBeLessThanOrEqual(1_000)
    expect(budget.used).toBeLessThanOrEqual(1_000)
  })
})
