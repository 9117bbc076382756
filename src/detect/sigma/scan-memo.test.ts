import { describe, expect, it } from 'vitest'
import { fingerprint, ScanMemo } from './scan-memo.js'

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
    const memo = new ScanMemo(2_000, 100)
    const long = `${'x'.repeat(1_500)} powershell -enc`
    memo.set(long, found(1))
    memo.set('y'.repeat(2_001), found(2))
    for (let index = 0; index < 5_000; index++) memo.set(`short text ${index}`, found(index))
    expect(memo.get(long)).toEqual(found(1))
    expect(memo.get('y'.repeat(2_001))).toBeUndefined()
  })

  it('keeps both of two texts that share a slot', () => {
    const slots = 64
    const bySlot = new Map<number, string>()
    let pair: [string, string] | undefined
    for (let index = 0; pair === undefined; index++) {
      const text = `C:\\Windows\\System32\\ntdll.dll+${index.toString(16)}`
      const slot = fingerprint(text) & (slots - 1)
      const other = bySlot.get(slot)
      if (other === undefined) bySlot.set(slot, text)
      else pair = [other, text]
    }
    const memo = new ScanMemo(16_384, 512, slots)
    memo.set(pair[0], found(1))
    memo.set(pair[1], found(2))
    expect([memo.get(pair[0]), memo.get(pair[1])]).toEqual([found(1), found(2)])
  })

  it('holds no more characters than its budget, and the latest text', () => {
    const memo = new ScanMemo(16_384, 512, 4_096, 1_000)
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
})
