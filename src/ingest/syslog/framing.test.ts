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

  it('frames a stream cut anywhere as it frames the whole stream at once', () => {
    const frames = ['<13>1 - h a - - - plain\n', '<13>a\0<13>b\n', '\r\n<14>crlf\r\n']
    const counted = (text: string) => `${Buffer.byteLength(text)} ${text}`
    const parts: string[] = []
    for (let index = 0; index < 60; index++) {
      const body = `<${index}>1 - host app - - - message ${index} ${'é'.repeat(index % 7)}${'x'.repeat(index * 37)}`
      parts.push(index % 3 === 0 ? counted(body) : `${body}\n`, frames[index % frames.length]!)
    }
    parts.push('\n')
    const stream = Buffer.from(parts.join(''))
    const whole = texts(new SyslogFramer().push(stream).messages)
    let seed = 7
    for (let run = 0; run < 20; run++) {
      const framer = new SyslogFramer()
      const messages: string[] = []
      for (let offset = 0; offset < stream.length; ) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31
        const size = 1 + (seed % (run < 10 ? 64 : 4096))
        messages.push(...texts(framer.push(stream.subarray(offset, offset + size)).messages))
        offset += size
      }
      expect(messages).toEqual(whole)
    }
    expect(whole).toHaveLength(140)
  })

  it('reads a chunk after a leftover in place: only the frame that spans the cut is copied', () => {
    const framer = new SyslogFramer()
    framer.push(Buffer.from('<13>first half'))
    // Its own memory, not a slice of Buffer's shared pool (which Buffer.concat also draws on).
    const chunk = Buffer.from(new TextEncoder().encode(' and the rest\n<13>two\n<13>three\n').buffer)
    const [spanning, two, three] = framer.push(chunk).messages
    expect(texts([spanning!, two!, three!])).toEqual(['<13>first half and the rest', '<13>two', '<13>three'])
    expect(spanning!.buffer).not.toBe(chunk.buffer)
    expect(two!.buffer).toBe(chunk.buffer)
    expect(three!.buffer).toBe(chunk.buffer)
  })

  it('drops an oversized counted frame that arrives in pieces, then reads on', () => {
    const framer = new SyslogFramer(1024)
    const errors: string[] = []
    const messages: string[] = []
    const feed = (bytes: Buffer) => {
      const result = framer.push(bytes)
      errors.push(...result.errors)
      messages.push(...texts(result.messages))
    }
    feed(Buffer.from('100000 '))
    for (let sent = 0; sent < 100_000; sent += 4_000) feed(Buffer.alloc(4_000, 0x61))
    feed(Buffer.from('5 hello<13>line\n'))
    expect(errors).toEqual(['octet-counted frame of 100000 bytes exceeds the 1024-byte limit'])
    expect(messages).toEqual(['hello', '<13>line'])
  })

  it('keeps a last line without LF when the connection closes', () => {
    const framer = new SyslogFramer()
    expect(texts(framer.push(Buffer.from('<13>tail without newline')).messages)).toEqual([])
    expect(texts(framer.flush())).toEqual(['<13>tail without newline'])
  })
})
