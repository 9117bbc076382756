import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { describe, expect, it } from 'vitest'
import { hasTestData, testDataPath } from '../../../test-support/test-data.js'
import { type FileRecord, recordLocation } from '../file-record.js'
import { readEventFiles } from '../read-event-files.js'

/**
 * Every SigmaHQ regression .evtx against its .json sibling (the same events rendered by
 * evtx_dump): same number of records, and each record equal as a whole. The key fields are
 * compared one by one first so that a failure names the file, the record and the field.
 */

type Json = Record<string, unknown>

/**
 * Where the .json sibling is not what evtx_dump makes of the .evtx beside it. Each correction is
 * checked to still be needed, so a fixed reference file makes this list fail until trimmed.
 */
const REFERENCE_CORRECTIONS = [
  {
    file: 'ad691d92-15f2-4181-9aa4-723c74f9ddc3.json',
    record: 1,
    path: ['Event', 'EventData', 'ParentCommandLine'],
    // The .evtx holds the UTF-16 string "C:\Windows\Explorer.EXE"; the .json was edited by hand.
    value: 'C:\\Windows\\Explorer.EXE',
  },
]

async function filesUnder(dir: string, extension: string): Promise<string[]> {
  const found: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) found.push(...(await filesUnder(full, extension)))
    else if (entry.name.endsWith(extension)) found.push(full)
  }
  return found.sort()
}

async function events(file: string): Promise<{ events: Json[]; problems: FileRecord[] }> {
  const result: { events: Json[]; problems: FileRecord[] } = { events: [], problems: [] }
  for await (const record of readEventFiles([file])) {
    if (record.kind === 'object') result.events.push(record.raw)
    else result.problems.push(record)
  }
  return result
}

function at(value: unknown, keys: readonly string[]): unknown {
  let current = value
  for (const key of keys) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Json)[key]
  }
  return current
}

/**
 * One reference file was rendered by an evtx_dump that prints the 100 ns digits of a FILETIME
 * (`.751156500Z`); the others print microseconds, as this reader does. Compare to the microsecond.
 */
function toMicroseconds(time: unknown): unknown {
  return typeof time === 'string' ? time.replace(/(\.\d{6})\d+Z$/, '$1Z') : time
}

function normalise(event: Json): Json {
  const copy = structuredClone(event)
  const created = at(copy, ['Event', 'System', 'TimeCreated', '#attributes'])
  if (created !== null && typeof created === 'object') {
    const attributes = created as Json
    attributes.SystemTime = toMicroseconds(attributes.SystemTime)
  }
  return copy
}

function applyCorrections(file: string, expected: Json[]): number {
  let applied = 0
  for (const correction of REFERENCE_CORRECTIONS) {
    if (path.basename(file) !== correction.file) continue
    const parent = at(expected[correction.record - 1], correction.path.slice(0, -1)) as Json
    const key = correction.path.at(-1)!
    expect(parent[key], `${file}: correction no longer needed`).not.toEqual(correction.value)
    parent[key] = correction.value
    applied += 1
  }
  return applied
}

const KEY_FIELDS = [
  ['Event', 'System', 'EventID'],
  ['Event', 'System', 'Channel'],
  ['Event', 'System', 'Computer'],
  ['Event', 'System', 'TimeCreated', '#attributes', 'SystemTime'],
]

function keyFieldMismatches(where: string, got: Json, expected: Json): string[] {
  const mismatches: string[] = []
  for (const keys of KEY_FIELDS) {
    if (!isDeepStrictEqual(at(got, keys), at(expected, keys))) {
      mismatches.push(
        `${where}: ${keys.join('.')}: got ${JSON.stringify(at(got, keys))}, expected ${JSON.stringify(at(expected, keys))}`,
      )
    }
  }
  const gotData = (at(got, ['Event', 'EventData']) ?? {}) as Json
  const expectedData = (at(expected, ['Event', 'EventData']) ?? {}) as Json
  for (const key of new Set([...Object.keys(gotData), ...Object.keys(expectedData)])) {
    if (!isDeepStrictEqual(gotData[key], expectedData[key])) {
      mismatches.push(
        `${where}: EventData.${key}: got ${JSON.stringify(gotData[key])}, expected ${JSON.stringify(expectedData[key])}`,
      )
    }
  }
  return mismatches
}

describe.runIf(hasTestData('sigma'))('EVTX: SigmaHQ regression files against evtx_dump', () => {
  it('parses every .evtx to the same records as its .json sibling', async () => {
    const evtxFiles = await filesUnder(testDataPath('sigma', 'regression_data'), '.evtx')
    expect(evtxFiles.length).toBeGreaterThan(100)
    const mismatches: string[] = []
    let records = 0
    let identical = 0
    let corrections = 0
    for (const evtxFile of evtxFiles) {
      const jsonFile = evtxFile.replace(/\.evtx$/, '.json')
      const parsed = await events(evtxFile)
      const reference = await events(jsonFile)
      mismatches.push(
        ...parsed.problems.map((problem) => `${recordLocation(problem)}: ${JSON.stringify(problem)}`),
      )
      expect(reference.problems, jsonFile).toEqual([])
      corrections += applyCorrections(jsonFile, reference.events)
      if (parsed.events.length !== reference.events.length) {
        mismatches.push(
          `${evtxFile}: ${parsed.events.length} records, evtx_dump has ${reference.events.length}`,
        )
      }
      for (let index = 0; index < Math.min(parsed.events.length, reference.events.length); index += 1) {
        records += 1
        const got = normalise(parsed.events[index]!)
        const expected = normalise(reference.events[index]!)
        const where = `${evtxFile} record ${index + 1}`
        const fieldMismatches = keyFieldMismatches(where, got, expected)
        mismatches.push(...fieldMismatches)
        if (isDeepStrictEqual(got, expected)) identical += 1
        else if (fieldMismatches.length === 0) mismatches.push(`${where}: differs outside the key fields`)
      }
    }
    console.info(
      `EVTX conformance: ${evtxFiles.length} files, ${records} records, ${identical} identical to evtx_dump (${corrections} reference correction)`,
    )
    expect(mismatches).toEqual([])
    expect(corrections).toBe(REFERENCE_CORRECTIONS.length)
    expect(identical).toBe(records)
  })
})
