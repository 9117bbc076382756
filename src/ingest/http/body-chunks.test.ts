import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { decodeLines } from '../decode-text.js'
import type { RawRecord } from '../ingest.service.js'
import { lineByteRecords, lineByteRecordsOfChunks, splitRecords } from './body.js'
import { bodyLines, splitBodyRecords } from './body-chunks.js'

/** Records as the parser will read them: bytes shown as their text. */
const shown = (records: RawRecord[]) =>
  records.map(({ raw, location }) => ({
    raw: raw instanceof Uint8Array ? Buffer.from(raw).toString('utf8') : raw,
    location,
  }))

/** A copy in memory of its own, not a slice of Buffer's shared pool. */
const own = (bytes: Uint8Array) => Buffer.from(new Uint8Array(bytes).buffer)

/** `body` cut at the given offsets, each piece in memory of its own (as read from a socket). */
function cut(body: Buffer, offsets: number[]): Buffer[] {
  const bounds = [0, ...offsets.filter((offset) => offset > 0 && offset < body.length), body.length]
  return bounds.slice(1).map((end, index) => own(body.subarray(bounds[index], end)))
}

const BODY = Buffer.concat([
  Buffer.from('{"a":1}\r\n\r\n  \n{"user":"José 🦆"}\nplain text\r\n{"b":"'),
  Buffer.from([0xff, 0xc3]),
  Buffer.from('"}\n\u00a0\n{"last":"no newline"}\r'),
])

describe('NDJSON bodies read in the chunks they arrived in', () => {
  it('gives the records of the whole body, wherever the chunks are cut', () => {
    const whole = shown(lineByteRecords(BODY))
    expect(whole.map((record) => record.location)).toEqual(['line 1', 'line 4', 'line 5', 'line 6', 'line 8'])
    let seed = 11
    for (let run = 0; run < 200; run++) {
      const offsets: number[] = []
      for (let at = 0; at < BODY.length; ) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31
        at += 1 + (seed % (run < 100 ? 4 : 40))
        offsets.push(at)
      }
      expect(shown(lineByteRecordsOfChunks(cut(BODY, offsets))), `cut at ${offsets}`).toEqual(whole)
    }
  })

  it('gives the lines of the whole body as text (Elasticsearch _bulk), wherever the chunks are cut', () => {
    const bulk = Buffer.concat([BODY, Buffer.from('\n{"index":{}}\r\n{"é":"🦆"}\n')])
    const whole = decodeLines(bulk)
    for (let size = 1; size <= 9; size++) {
      const offsets = Array.from({ length: Math.ceil(bulk.length / size) }, (_, index) => (index + 1) * size)
      expect(bodyLines({ chunks: cut(bulk, offsets), length: bulk.length }, undefined)).toEqual(whole)
    }
    const gzipped = gzipSync(bulk)
    expect(bodyLines({ chunks: cut(gzipped, [7]), length: gzipped.length }, 'gzip')).toEqual(whole)
    expect(bodyLines(undefined, undefined)).toEqual(decodeLines(Buffer.alloc(0)))
  })

  it('keeps a line inside a chunk as a view of that chunk; only a line cut in two is copied', () => {
    const chunks = cut(Buffer.from('{"a":1}\n{"b":2}\n{"c":'), [8])
    chunks.push(own(Buffer.from('3}\n')))
    const records = lineByteRecordsOfChunks(chunks)
    expect(shown(records).map((record) => record.raw)).toEqual(['{"a":1}', '{"b":2}', '{"c":3}'])
    expect((records[0]!.raw as Buffer).buffer).toBe(chunks[0]!.buffer)
    expect((records[1]!.raw as Buffer).buffer).toBe(chunks[1]!.buffer)
    expect((records[2]!.raw as Buffer).buffer).not.toBe(chunks[1]!.buffer)
  })

  it('joins a compressed body or a JSON array, and reads it whole, as before', () => {
    const array = Buffer.from(' [{"a":1},{"b":2}]')
    const fromChunks = splitBodyRecords({ chunks: cut(array, [5]), length: array.length }, undefined)
    expect(fromChunks).toEqual({ records: splitRecords(array), bytes: array.length })
    const gzipped = gzipSync(BODY)
    const inflated = splitBodyRecords({ chunks: cut(gzipped, [10, 20]), length: gzipped.length }, 'gzip')
    expect(shown(inflated.records)).toEqual(shown(lineByteRecords(BODY)))
    expect(inflated.bytes).toBe(BODY.length)
    expect(splitBodyRecords({ chunks: [], length: 0 }, undefined)).toEqual({ records: [], bytes: 0 })
  })
})
