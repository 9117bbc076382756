import { describe, expect, it } from 'vitest'
import { ScanMemo } from './scan-memo.js'

const found = (...values: number[]) => Int32Array.from(values)

describe('scan memo', () => {
  it('gives back what was found in a text', () => {
    const memo = new ScanMemo()
    memo.set('c:\\windows\\system32\\cmd.exe', found(3, 8))
    expect(memo.get('c:\\windows\\system32\\cmd.exe')).toEqual(found(3, 8))
    expect(memo.get('c:\\windows\\system32\\CMD.exe')).toBeUndefined()
  })

  it('keeps at most two generations of entries, and a text still in use survives', () => {
    const memo = new ScanMemo(512, 2, 1_000)
    memo.set('a', found(1))
    memo.set('b', found(2))
    memo.set('c', found(3)) // the generation of a and b is now the previous one
    expect(memo.get('a')).toEqual(found(1)) // carried into the current generation
    memo.set('d', found(4)) // current (c, a) full: it becomes the previous one, b is dropped
    expect(memo.get('b')).toBeUndefined()
    expect([memo.get('a'), memo.get('c'), memo.get('d')]).toEqual([found(1), found(3), found(4)])
  })

  it('bounds the characters a generation holds', () => {
    const memo = new ScanMemo(512, 1_000, 10)
    memo.set('12345678', found(1))
    memo.set('abcdefgh', found(2)) // over 10 characters: a new generation
    memo.set('ABCDEFGH', found(3)) // and again: the first text is dropped
    expect(memo.get('12345678')).toBeUndefined()
    expect(memo.get('abcdefgh')).toEqual(found(2))
  })
})
