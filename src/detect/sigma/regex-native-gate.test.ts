import { RE2JS } from 're2js'
import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../test-support/seeded-random.js'
import { regexNativeGate } from './regex-native-gate.js'

const CHARS = ['a', 'Z', '0', '7', '\\', '.', ' ', '\t', '\u000b', '\u00a0', '"', "'", '-', '_', 'é', '😀']

describe('regexNativeGate', () => {
  it('accepts simple counted concatenations and rejects everything else', () => {
    expect(regexNativeGate('\\\\[a-zA-Z0-9]{1,32}\\.[a-zA-Z0-9]{1,6}\\.[ "\']{1}')).toBeDefined()
    expect(regexNativeGate('\\s[a-fA-F0-9]{64}\\s[a-fA-F0-9]{16}')).toBeDefined()
    for (const pattern of [
      'a.b',
      'a+b',
      'a*',
      '(ab)',
      'a|b',
      '[^a]',
      '\\S',
      '\\bword',
      'a{2,}',
      'a{1,5}?',
      '^{2}',
      '[[:alpha:]]',
      'é',
      '[a-z]{1,100}[0-9]{1,100}',
    ])
      expect(regexNativeGate(pattern), pattern).toBeUndefined()
  })

  it('matches every text RE2 matches (random texts)', () => {
    const patterns = [
      '\\\\[a-zA-Z0-9]{1,32}\\.[a-zA-Z0-9]{1,6}\\.[ "\']{1}',
      '\\s[a-f0-9]{2}\\s',
      '^a?\\d{1,3}[-_]$',
      '[\\w.]{2,4}\\\\',
      '\\s{2}\\w',
    ]
    const next = seededRandom(11)
    for (const pattern of patterns) {
      const native = regexNativeGate(pattern)!
      const re2 = RE2JS.compile(pattern)
      for (let sample = 0; sample < 2000; sample++) {
        let text = ''
        const length = Math.floor(next() * 12)
        for (let index = 0; index < length; index++) text += CHARS[Math.floor(next() * CHARS.length)]
        if (re2.test(text)) expect(native.test(text), `${pattern} on ${JSON.stringify(text)}`).toBe(true)
      }
    }
  })
})
