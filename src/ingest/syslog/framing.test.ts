import { describe, expect, it } from 'vitest'
import { SyslogFramer } from './framing.js'

/** The framer's messages (views of the stream's bytes) as text. */
const texts = (messages: Buffer[]) => messages.map((message) => message.toString('utf8'))

describe('syslog TCP framing (RFC 6587)', () => {
  it('splits newline-delimited messages across chunk boundaries, CRLF or LF', () => {
    const framer = new SyslogFramer()
    expect(
      texts(framer.push(Buffer.from('<34>Oct 11 22:14:15 host su: one\r\n<34>Oct 11 22:14:16 ho')).messages),
    ).toEqual(['<34>Oct 11 22:14:15 host su: one'])
    expect(texts(framer.push(Buffer.from('st su: two\n')).messages)).toEqual([
      '<34>Oct 11 22:14:16 host su: two',
    ])
  })

  it('reads octet-counted frames, including ones holding newlines, split anywhere', () => {
    const first = '<165>1 2003-10-11T22:14:15.003Z host app - ID47 - line one\nline two'
    const second = '<165>1 2003-10-11T22:14:16Z host app - - - short'
    const stream = Buffer.from(`${Buffer.byteLength(first)} ${first}${Buffer.byteLength(second)} ${second}`)
    const framer = new SyslogFramer()
    const messages: string[] = []
    for (let offset = 0; offset < stream.length; offset += 7)
      messages.push(...texts(framer.push(stream.subarray(offset, offset + 7)).messages))
    expect(messages).toEqual([first, second])
  })

  it('counts octets, not characters, for UTF-8 messages', () => {
    const message = '<13>1 - host app - - - café ☕'
    const framer = new SyslogFramer()
    expect(texts(framer.push(Buffer.from(`${Buffer.byteLength(message)} ${message}`)).messages)).toEqual([
      message,
    ])
  })

  it('refuses an oversized frame with a clear error and stays in step', () => {
    const framer = new SyslogFramer(10)
    const result = framer.push(Buffer.from('20 aaaaaaaaaaaaaaaaaaaa5 hello'))
    expect(result.errors[0]).toMatch(/exceeds the 10-byte limit/)
    expect(texts(result.messages)).toEqual(['hello'])
  })

  it('ends frames at NUL as at LF, mixed in one chunk and across chunks', () => {
    const framer = new SyslogFramer()
    const first = framer.push(Buffer.from('<13>a\0<13>b\n<13>c\n<13>d\0<13>e'))
    expect(texts(first.messages)).toEqual(['<13>a', '<13>b', '<13>c', '<13>d'])
    expect(texts(framer.push(Buffer.from('f\n<13>g\0')).messages)).toEqual(['<13>ef', '<13>g'])
  })

  it('gives messages as views of the bytes received, not copies', () => {
    const chunk = Buffer.from('<13>one\n<13>two\n')
    const [first, second] = new SyslogFramer().push(chunk).messages
    expect(first!.buffer).toBe(chunk.buffer)
    expect([first!.byteOffset - chunk.byteOffset, second!.byteOffset - chunk.byteOffset]).toEqual([0, 8])
  })

  it('keeps a last line without LF when the connection closes', () => {
    const framer = new SyslogFramer()
    expect(texts(framer.push(Buffer.from('<13>tail without newline')).messages)).toEqual([])
    expect(texts(framer.flush())).toEqual(['<13>tail without newline'])
  })
})
