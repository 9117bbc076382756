import { describe, expect, it } from 'vitest'
import { decodeLines, decodeText } from './decode-text.js'

describe('decodeText', () => {
  it('gives the same text as UTF-8 decoding, for ASCII, UTF-8 and broken bytes, whole or in part', () => {
    const samples = [
      Buffer.from('{"user":"admin","cmd":"C:\\\\Windows\\\\cmd.exe"}'),
      Buffer.from('{"user":"José","city":"Zürich","mood":"😀"}'),
      Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d, 0xff, 0x41]),
      Buffer.alloc(0),
    ]
    for (const bytes of samples) {
      expect(decodeText(bytes)).toBe(bytes.toString('utf8'))
      expect(decodeText(bytes, 1, Math.max(1, bytes.length - 1))).toBe(
        bytes.toString('utf8', 1, Math.max(1, bytes.length - 1)),
      )
    }
  })
})

describe('decodeLines', () => {
  it('splits as decodeText(bytes).split(newline) does, each line without its carriage return', () => {
    const samples = ['', '\n', 'a', 'a\n', 'a\r\nb\r\n\r\n', '\r', 'é\r\n🦆\nx\r', 'no newline at end']
    for (const sample of samples) {
      const expected = sample.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
      expect(decodeLines(Buffer.from(sample, 'utf8')), JSON.stringify(sample)).toEqual(expected)
    }
  })
})
