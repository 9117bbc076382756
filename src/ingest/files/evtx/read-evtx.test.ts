import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hasTestData, testDataPath } from '../../../test-support/test-data.js'
import { buildZip } from '../archive-builders.test-support.js'
import { ByteReader } from '../byte-reader.js'
import type { FileRecord } from '../file-record.js'
import { readEventFiles } from '../read-event-files.js'
import { readEvtx } from './read-evtx.js'

/** A regression file with seven records in one chunk (NetExec dropping files). */
const SAMPLE = [
  'sigma',
  'regression_data',
  'rules',
  'windows',
  'file',
  'file_event',
  'file_event_win_hktl_netexec_file_indicators',
  'efc21479-9e83-41da-8cf1-122e06ba8db3.evtx',
]

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'watchfloor-evtx-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function* single(buffer: Buffer): AsyncGenerator<Buffer> {
  yield buffer
}

async function readAll(file: string): Promise<FileRecord[]> {
  const records: FileRecord[] = []
  for await (const record of readEventFiles([file])) records.push(record)
  return records
}

function recordIds(records: FileRecord[]): unknown[] {
  return records.map((record) =>
    record.kind === 'object'
      ? (record.raw.Event as { System: { EventRecordID: number } }).System.EventRecordID
      : record.kind,
  )
}

describe.runIf(hasTestData('sigma'))('EVTX reading', () => {
  it('yields every record in order, numbered, as evtx_dump-shaped objects', async () => {
    const records = await readAll(testDataPath(...SAMPLE))
    expect(records.length).toBe(7)
    expect(records.map((record) => record.record)).toEqual([1, 2, 3, 4, 5, 6, 7])
    const first = records[0]!
    expect(first.kind === 'object' && first.format).toBe('evtx')
    const ids = recordIds(records) as number[]
    expect([...ids].sort((a, b) => a - b)).toEqual(ids)
  })

  it('reads an EVTX inside a zip and inside a gzip', async () => {
    const bytes = await readFile(testDataPath(...SAMPLE))
    const zipped = path.join(dir, 'logs.zip')
    const gzipped = path.join(dir, 'security.evtx.gz')
    await writeFile(zipped, buildZip([{ name: 'Security.evtx', content: bytes }]))
    await writeFile(gzipped, gzipSync(bytes))
    const direct = recordIds(await readAll(testDataPath(...SAMPLE)))
    expect(recordIds(await readAll(zipped))).toEqual(direct)
    expect(recordIds(await readAll(gzipped))).toEqual(direct)
  })

  it('reports a damaged record and goes on with the others', async () => {
    const bytes = Buffer.from(await readFile(testDataPath(...SAMPLE)))
    const direct = recordIds(await readAll(testDataPath(...SAMPLE)))
    // The second record's BinXML: overwrite its first token with one that does not exist.
    const firstRecord = 4096 + 512
    const secondRecord = firstRecord + bytes.readUInt32LE(firstRecord + 4)
    bytes[secondRecord + 24] = 0x7f
    const damaged = path.join(dir, 'damaged.evtx')
    await writeFile(damaged, bytes)
    const records = await readAll(damaged)
    expect(recordIds(records)).toEqual([direct[0], 'problem', ...direct.slice(2)])
    const problem = records[1]!
    expect(problem.kind === 'problem' && problem.message).toMatch(/unknown BinXML token 0x7f/)
    expect(problem.record).toBe(2)
  })

  it('survives random damage to record bytes: every record comes back as an event or a problem', async () => {
    const bytes = await readFile(testDataPath(...SAMPLE))
    const end = bytes.readUInt32LE(4096 + 48)
    let seed = 20_240_601
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff
      return seed / 0x7fffffff
    }
    for (let round = 0; round < 300; round += 1) {
      const damaged = Buffer.from(bytes)
      for (let hit = 0; hit < 1 + (round % 8); hit += 1) {
        damaged[4096 + 512 + Math.floor(random() * (end - 512))] = Math.floor(random() * 256)
      }
      const records: FileRecord[] = []
      // readEvtx itself, so that an error escaping the record-level handling fails the test.
      for await (const batch of readEvtx(new ByteReader(single(damaged)), { file: 'damaged.evtx' })) {
        records.push(...batch)
      }
      expect(records.length).toBeGreaterThan(0)
      expect(records.every((record) => record.kind === 'object' || record.kind === 'problem')).toBe(true)
    }
  })

  it('reports a file cut in the middle of a chunk after the chunks before it', async () => {
    const bytes = await readFile(testDataPath(...SAMPLE))
    const cut = path.join(dir, 'cut.evtx')
    await writeFile(cut, bytes.subarray(0, 4096 + 1000))
    const records = await readAll(cut)
    expect(records.map((record) => record.kind)).toEqual(['problem'])
    expect(records[0]?.kind === 'problem' && records[0].message).toMatch(/chunk 0 is truncated/)
  })
})
