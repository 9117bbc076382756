import { describe, expect, it } from 'vitest'
import { utf8Text } from '../../core/utf8-text.js'
import { splitRecords } from './body.js'

/** Records with lines kept as bytes shown as the text the parser will read. */
const records = (text: string | Buffer) =>
  splitRecords(typeof text === 'string' ? Buffer.from(text, 'utf8') : text).map(({ raw, location }) => ({
    raw: raw instanceof Uint8Array ? utf8Text(raw) : raw,
    location,
  }))

describe('splitRecords', () => {
  it('gives one record per non-blank line, CRLF or LF, numbered as the sender counts lines', () => {
    expect(records('{"a":1}\r\n\r\n  \n{"b":2}\nplain text line\r\n')).toEqual([
      { raw: '{"a":1}', location: 'line 1' },
      { raw: '{"b":2}', location: 'line 4' },
      { raw: 'plain text line', location: 'line 5' },
    ])
  })

  it('decodes each line as UTF-8, mixing ASCII and non-ASCII lines, with the same text as a whole decode', () => {
    const text = '{"user":"José"}\n{"host":"ws01"}\n{"emoji":"🦆 ok"}\n\u00a0\n'
    expect(records(text).map((record) => record.raw)).toEqual([
      '{"user":"José"}',
      '{"host":"ws01"}',
      '{"emoji":"🦆 ok"}',
    ])
  })

  it('replaces invalid UTF-8 bytes as a decode of the whole body would', () => {
    const body = Buffer.concat([Buffer.from('{"a":"x'), Buffer.from([0xff, 0xc3]), Buffer.from('"}\nok\n')])
    const whole = body
      .toString('utf8')
      .split('\n')
      .filter((line) => line.length > 0)
    expect(records(body).map((record) => record.raw)).toEqual(whole)
  })

  it('keeps a valid line as a view of the body, not a copy, and a line with invalid UTF-8 as text', () => {
    const body = Buffer.concat([Buffer.from('{"a":"é"}\n{"b":"'), Buffer.from([0xff]), Buffer.from('"}\n')])
    const [valid, invalid] = splitRecords(body)
    expect(valid!.raw).toBeInstanceOf(Uint8Array)
    const view = valid!.raw as Uint8Array
    expect(view.buffer).toBe(body.buffer)
    expect(view.byteOffset).toBe(body.byteOffset)
    expect(utf8Text(view)).toBe('{"a":"é"}')
    expect(invalid!.raw).toBe('{"b":"\ufffd"}')
  })

  it('reads a JSON array body (after white space and a byte order mark) as one record per element', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(' \n[{"a":1}, 2, "x"]')])
    expect(records(body)).toEqual([
      { raw: { a: 1 }, location: 'item 0' },
      { raw: '2', location: 'item 1' },
      { raw: '"x"', location: 'item 2' },
    ])
  })

  it('refuses a body that starts like an array but is not JSON, saying so', () => {
    expect(() => records('[{"a":1},')).toThrow(/starts like a JSON array but is not valid JSON/)
  })

  it('keeps a byte order mark on the first line of NDJSON, as before (the parser reports it)', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\n')])
    expect(records(body)).toEqual([{ raw: '\ufeff{"a":1}', location: 'line 1' }])
  })
})
