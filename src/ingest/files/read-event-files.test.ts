import { mkdir, mkdtemp, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { UserError } from '../../core/errors.js'
import { buildTar, buildZip } from './archive-builders.test-support.js'
import { type FileRecord, recordLocation } from './file-record.js'
import { type ReadEventFilesOptions, readEventFiles, readEventStream } from './read-event-files.js'
import type { ReadProgress } from './read-progress.js'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'watchfloor-files-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function file(name: string, content: Buffer | string): Promise<string> {
  const full = path.join(dir, name)
  await mkdir(path.dirname(full), { recursive: true })
  await writeFile(full, content)
  return full
}

async function readAll(paths: string[], options?: ReadEventFilesOptions): Promise<FileRecord[]> {
  const records: FileRecord[] = []
  for await (const record of readEventFiles(paths, options)) records.push(record)
  return records
}

/** Whether this process still holds `file` open, after up to a second (Linux /proc). */
async function waitUntilClosed(file: string): Promise<boolean> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const descriptors = await readdir('/proc/self/fd')
    const targets = await Promise.all(
      descriptors.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')),
    )
    if (!targets.includes(file)) return true
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return false
}

function values(records: FileRecord[]): unknown[] {
  return records.map((record) =>
    record.kind === 'json' ? record.value : record.kind === 'object' ? record.raw : record,
  )
}

describe('JSON lines', () => {
  it('yields each line with its text, parsed value and line number, CRLF and blank lines handled', async () => {
    const sample = await file('events.json', '{"a":1}\r\n\r\n{"b":"two"}\r\n  \r\n{"c":[3]}')
    const records = await readAll([sample])
    expect(records.map((record) => [record.kind, record.line, 'raw' in record ? record.raw : ''])).toEqual([
      ['json', 1, '{"a":1}'],
      ['json', 3, '{"b":"two"}'],
      ['json', 5, '{"c":[3]}'],
    ])
    expect(values(records)).toEqual([{ a: 1 }, { b: 'two' }, { c: [3] }])
    expect(recordLocation(records[1]!)).toBe(`${sample}:3`)
  })

  it('yields a line that is not JSON as invalid-json with the parser message and goes on', async () => {
    const sample = await file('broken.jsonl', '{"ok":1}\n{"truncated":\n{"ok":2}\n')
    const records = await readAll([sample])
    expect(records.map((record) => record.kind)).toEqual(['json', 'invalid-json', 'json'])
    const broken = records[1]!
    expect(broken.kind === 'invalid-json' && broken.raw).toBe('{"truncated":')
    expect(broken.kind === 'invalid-json' && broken.error).toMatch(/JSON/)
    expect(recordLocation(broken)).toBe(`${sample}:2`)
  })

  it('keeps lines whole across read chunks, multi-byte characters included', async () => {
    // Several MiB so that lines straddle the read chunks (READ_CHUNK_BYTES) at many offsets.
    const lines: string[] = []
    for (let index = 0, length = 0; length < 3_500_000; index += 1) {
      const line = JSON.stringify({
        index,
        text: 'Größe → ✓ 𝄞 '.repeat(index % 97),
        pad: 'x'.repeat(index % 13),
      })
      lines.push(line)
      length += line.length
    }
    const sample = await file('big.ndjson', `${lines.join('\r\n')}\r\n`)
    const records = await readAll([sample])
    expect(records.length).toBe(lines.length)
    expect(records.every((record, index) => record.kind === 'json' && record.raw === lines[index])).toBe(true)
    expect(records.at(-1)?.line).toBe(lines.length)
  })

  it('skips a line longer than the limit with a problem and reads the next one', async () => {
    const sample = await file('long.jsonl', `{"a":1}\n{"long":"${'y'.repeat(3_000_000)}"}\n{"b":2}\n`)
    const records = await readAll([sample], { maxRecordBytes: 1_000_000 })
    expect(records.map((record) => [record.kind, record.line])).toEqual([
      ['json', 1],
      ['problem', 2],
      ['json', 3],
    ])
  })

  it('drops a UTF-8 byte order mark before the first record', async () => {
    const lines = await file('bom.jsonl', '\ufeff{"a":1}\n{"a":2}\n')
    const document = await file('bom.json', '\ufeff{\n  "Records": []\n}\n')
    const text = await file('bom.log', '\ufeffhello\n')
    const records = await readAll([lines, document, text])
    expect(values(records.slice(0, 3))).toEqual([{ a: 1 }, { a: 2 }, { Records: [] }])
    expect(records[3]?.kind === 'text' && records[3].raw).toBe('hello')
  })

  it('reads UTF-16 files with a byte order mark (PowerShell exports)', async () => {
    const text = '\ufeff{"user":"Jürgen"}\r\n{"user":"Zoë"}\r\n'
    const sample = await file('utf16.json', Buffer.from(text, 'utf16le'))
    expect(values(await readAll([sample]))).toEqual([{ user: 'Jürgen' }, { user: 'Zoë' }])
  })
})

describe('JSON arrays and documents', () => {
  it('streams the items of a top-level array with their item number and line', async () => {
    const items = [{ a: '[not] {a} "bracket"' }, { nested: { deep: [1, { x: '\\' }] } }, { c: 'é' }]
    const sample = await file(
      'array.json',
      `[\n  ${items.map((item) => JSON.stringify(item)).join(',\n  ')}\n]\n`,
    )
    const records = await readAll([sample])
    expect(values(records)).toEqual(items)
    expect(records.map((record) => [record.kind, record.record, record.line])).toEqual([
      ['object', 1, 2],
      ['object', 2, 3],
      ['object', 3, 4],
    ])
  })

  it('streams an array far larger than one read chunk', async () => {
    const items = Array.from({ length: 40_000 }, (_, index) => ({
      index,
      text: `"quoted" \\ ${'z'.repeat(index % 50)}`,
    }))
    const sample = await file('large-array.json', JSON.stringify(items))
    const records = await readAll([sample])
    expect(records.length).toBe(items.length)
    expect(values(records)).toEqual(items)
  })

  it('yields one pretty-printed document (a CloudTrail file) as one object', async () => {
    const trail = { Records: [{ eventName: 'ConsoleLogin' }, { eventName: 'GetObject' }] }
    const sample = await file('cloudtrail.json', JSON.stringify(trail, null, 2))
    const records = await readAll([sample])
    expect(values(records)).toEqual([trail])
    expect(records[0]?.kind === 'object' && records[0].format).toBe('json-document')
  })

  it('tells a document that starts with a whole key on its first line from JSON lines', async () => {
    const sample = await file(
      'trail.json',
      '{"Records": [\n    {"eventName": "ConsoleLogin"},\n    {"eventName": "GetObject"}\n]}\n',
    )
    expect(values(await readAll([sample]))).toEqual([
      { Records: [{ eventName: 'ConsoleLogin' }, { eventName: 'GetObject' }] },
    ])
  })

  it('still reads JSON lines whose first line is damaged', async () => {
    const sample = await file('damaged-start.jsonl', '{"cut":\n{"a":1}\n{"a":2}\n')
    const records = await readAll([sample])
    expect(records.map((record) => [record.kind, record.line])).toEqual([
      ['invalid-json', 1],
      ['json', 2],
      ['json', 3],
    ])
  })

  it('yields concatenated pretty-printed documents (evtx_dump output) one by one', async () => {
    const events = [{ Event: { System: { EventID: 1 } } }, { Event: { System: { EventID: 3 } } }]
    const sample = await file('dump.json', events.map((event) => JSON.stringify(event, null, 2)).join('\n'))
    expect(values(await readAll([sample]))).toEqual(events)
  })

  it('reports an array item that is not an object, and a truncated array', async () => {
    const sample = await file('odd.json', '[{"a":1}, 42, {"b":')
    const records = await readAll([sample])
    expect(records.map((record) => record.kind)).toEqual(['object', 'invalid-json', 'invalid-json'])
    expect(records[1]?.kind === 'invalid-json' && records[1].error).toBe('expected a JSON object')
  })
})

describe('CSV and text', () => {
  it('turns CSV rows into objects keyed by the header, with their line', async () => {
    const sample = await file(
      'logins.csv',
      'time,user,message\r\n2024-01-01T00:00:00Z,alice,"said ""hi"", left"\r\n2024-01-01T00:01:00Z,bob,"two\r\nlines"\r\n',
    )
    const records = await readAll([sample])
    expect(values(records)).toEqual([
      { time: '2024-01-01T00:00:00Z', user: 'alice', message: 'said "hi", left' },
      { time: '2024-01-01T00:01:00Z', user: 'bob', message: 'two\r\nlines' },
    ])
    expect(records.map((record) => record.line)).toEqual([2, 3])
  })

  it('reads TSV by its name', async () => {
    const sample = await file('flows.tsv', 'src\tdst\n10.0.0.1\t10.0.0.2\n')
    expect(values(await readAll([sample]))).toEqual([{ src: '10.0.0.1', dst: '10.0.0.2' }])
  })

  it('yields syslog lines as text with their line numbers', async () => {
    const sample = await file(
      'auth.log',
      'Jan  1 00:00:01 host sshd[1]: Accepted password for alice\nJan  1 00:00:02 host sshd[2]: Failed password for root\n',
    )
    const records = await readAll([sample])
    expect(records.map((record) => [record.kind, record.line, 'raw' in record ? record.raw : ''])).toEqual([
      ['text', 1, 'Jan  1 00:00:01 host sshd[1]: Accepted password for alice'],
      ['text', 2, 'Jan  1 00:00:02 host sshd[2]: Failed password for root'],
    ])
  })
})

describe('archives', () => {
  it('reads gzip-compressed JSON lines', async () => {
    const sample = await file('events.json.gz', gzipSync('{"a":1}\n{"a":2}\n'))
    const records = await readAll([sample])
    expect(values(records)).toEqual([{ a: 1 }, { a: 2 }])
    expect(records[1]?.line).toBe(2)
  })

  it('reports a truncated gzip after the records before the cut', async () => {
    const whole = gzipSync(Array.from({ length: 20_000 }, (_, index) => `{"index":${index}}`).join('\n'))
    const sample = await file('cut.json.gz', whole.subarray(0, Math.floor(whole.length / 2)))
    const records = await readAll([sample])
    const last = records.at(-1)
    expect(last?.kind === 'problem' && last.message).toMatch(/gzip: unexpected end of file/)
    expect(records.filter((record) => record.kind === 'json').length).toBeGreaterThan(100)
  })

  it('reads every member of a zip, names each entry, skips binary members', async () => {
    const zip = buildZip(
      [
        { name: 'host/sysmon.json', content: '{"EventID":1}\r\n{"EventID":3}\r\n' },
        { name: 'host/auth.csv', content: 'user,result\nalice,ok\n' },
        { name: 'capture.pcap', content: Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 0, 0, 0, 0]) },
        { name: 'nested.json.gz', content: gzipSync('{"inner":true}\n') },
      ],
      { strayTrailingByte: true },
    )
    const sample = await file('dataset.zip', zip)
    const records = await readAll([sample])
    expect(records.map((record) => [record.kind, record.entry])).toEqual([
      ['json', 'host/sysmon.json'],
      ['json', 'host/sysmon.json'],
      ['object', 'host/auth.csv'],
      ['problem', 'capture.pcap'],
      ['json', 'nested.json.gz'],
    ])
    expect(records[3]?.kind === 'problem' && records[3].skipped).toBe(true)
    expect(recordLocation(records[1]!)).toBe(`${sample}!host/sysmon.json:2`)
  })

  it('reports a zip entry whose content is not the size its header says', async () => {
    const zip = buildZip([{ name: 'a.json', content: '{"a":1}\n{"a":2}\n' }])
    // The central directory record follows the one local entry; its uncompressed size is at +24.
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))
    zip.writeUInt32LE(99, central + 24)
    const sample = await file('lying.zip', zip)
    const records = await readAll([sample])
    expect(records.map((record) => record.kind)).toEqual(['json', 'json', 'problem'])
    expect(records[2]?.kind === 'problem' && records[2].message).toMatch(/holds 16 bytes, its header says 99/)
  })

  it('reads a tar.gz and a zip inside a zip', async () => {
    const tar = gzipSync(
      buildTar([
        { name: 'logs/a.jsonl', content: '{"a":1}\n' },
        { name: 'logs/b.log', content: 'hello\n' },
      ]),
    )
    const inner = buildZip([{ name: 'deep.json', content: '{"deep":1}\n' }])
    const outer = buildZip([{ name: 'inner.zip', content: inner }])
    const tarFile = await file('bundle.tar.gz', tar)
    const zipFile = await file('outer.zip', outer)
    const records = await readAll([tarFile, zipFile])
    expect(records.map((record) => [record.kind, record.entry])).toEqual([
      ['json', 'logs/a.jsonl'],
      ['text', 'logs/b.log'],
      ['json', 'inner.zip/deep.json'],
    ])
  })
})

describe('streams', () => {
  it('reads a piped stream (standard input) in any format, here gzip-compressed CSV', async () => {
    const piped = Readable.from([gzipSync('host,user\nweb1,alice\nweb2,bob\n')])
    const records: FileRecord[] = []
    for await (const batch of readEventStream(piped, 'stdin.csv')) records.push(...batch)
    expect(values(records)).toEqual([
      { host: 'web1', user: 'alice' },
      { host: 'web2', user: 'bob' },
    ])
    expect(recordLocation(records[1]!)).toBe('stdin.csv:3')
  })
})

describe('walking and progress', () => {
  it('walks directories recursively in name order, reading only log files', async () => {
    await file('b/2.jsonl', '{"n":2}\n')
    await file('a/1.json', '{"n":1}\n')
    await file('a/readme.md', '# not a log\n')
    await file('a/.hidden.json', '{"n":0}\n')
    await file('c/rotated.log.1', 'old line\n')
    await file('c/LICENSE.txt', 'Apache License\n')
    await symlink(path.join(dir, 'b'), path.join(dir, 'c', 'loop'))
    await symlink(path.join(dir, 'b', '2.jsonl'), path.join(dir, 'c', 'linked.jsonl'))
    const records = await readAll([dir])
    expect(records.map((record) => path.relative(dir, record.file))).toEqual([
      path.join('a', '1.json'),
      path.join('b', '2.jsonl'),
      path.join('c', 'linked.jsonl'),
      path.join('c', 'rotated.log.1'),
    ])
  })

  it('reads a file named explicitly whatever its name', async () => {
    const sample = await file('messages', 'kernel: booted\n')
    expect((await readAll([sample])).map((record) => record.kind)).toEqual(['text'])
  })

  it('refuses a path that does not exist, naming it', async () => {
    const missing = path.join(dir, 'nope.json')
    await expect(readAll([missing])).rejects.toThrow(UserError)
    await expect(readAll([missing])).rejects.toThrow(missing)
  })

  it('reports bytes done up to the total of every file, compressed sizes for archives', async () => {
    const plain = await file('plain.jsonl', `${'{"a":1}\n'.repeat(300_000)}`)
    const zipped = await file(
      'zipped.zip',
      buildZip([{ name: 'x.json', content: '{"b":2}\n'.repeat(300_000) }]),
    )
    const seen: ReadProgress[] = []
    const records = await readAll([plain, zipped], { onProgress: (progress) => seen.push({ ...progress }) })
    expect(records.length).toBe(600_000)
    const total = seen[0]!.bytesTotal
    expect(total).toBeGreaterThan(2_400_000)
    expect(seen.at(-1)?.bytesDone).toBe(total)
    expect(seen.some((progress) => progress.file === zipped && progress.bytesDone < total)).toBe(true)
    for (let index = 1; index < seen.length; index += 1) {
      expect(seen[index]!.bytesDone).toBeGreaterThanOrEqual(seen[index - 1]!.bytesDone)
    }
  })

  it('closes the file when the caller stops early, plain, gzip or zip', async () => {
    const body = '{"a":1}\n'.repeat(500_000)
    const samples = [
      await file('many.jsonl', body),
      await file('many.jsonl.gz', gzipSync(body)),
      await file('many.zip', buildZip([{ name: 'many.jsonl', content: body }])),
    ]
    for (const sample of samples) {
      let taken = 0
      for await (const _record of readEventFiles([sample])) {
        taken += 1
        if (taken === 3) break
      }
      expect(taken).toBe(3)
      expect(await waitUntilClosed(sample), sample).toBe(true)
    }
  })
})
