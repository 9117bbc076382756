import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import type { NormalisedEvent } from '../../core/event.js'
import { hasTestData, testDataPath } from '../../test-support/test-data.js'
import { createCsvReader } from './files/csv-with-header.js'
import { createZeekTsvReader } from './files/zeek-tsv.js'
import { parseRecord } from './parse-record.js'
import {
  failureReport,
  formatTable,
  isPacketCapture,
  newSummary,
  record,
  type SampleSummary,
  splitLines,
  tarGzText,
  zipEntries,
  zipEntry,
} from './samples.test-support.js'

/**
 * Every file of the shared real-log samples goes through parseRecord, as the ingest pipeline
 * calls it: none may be dead-lettered, and the table printed per file shows which ECS fields
 * the normalisation filled. Received time is far in the future, so "time" counts the events
 * whose time came from the event itself.
 */
const RECEIVED_AT = new Date('2031-01-01T00:00:00Z')
const SAMPLES = 'samples'
/** OTRF holds ~950,000 events; every file is read, the big ones only up to this many lines (about 260,000 in all). */
const OTRF_LINES_PER_FILE = 3_000

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort()
}

function relative(file: string): string {
  return path.relative(testDataPath(SAMPLES), file)
}

/** Invariants for flat Windows events: dataset from the channel, code from EventID, Sysmon 1 command line. */
function checkWindowsEvent(event: NormalisedEvent, problems: string[]): void {
  const original = event.original
  if (original.EventID === undefined || typeof original.Channel !== 'string') return
  if (!event.dataset?.startsWith('windows.'))
    problems.push(`dataset ${event.dataset} for channel ${original.Channel}`)
  if (event.eventCode !== String(original.EventID))
    problems.push(`code ${event.eventCode} for EventID ${original.EventID}`)
  if (original.Channel !== 'Microsoft-Windows-Sysmon/Operational' || String(original.EventID) !== '1') return
  // Azure Log Analytics keeps Sysmon's EventData as a JSON text.
  const eventData = typeof original.EventData === 'string' ? JSON.parse(original.EventData) : original
  if (event.processCommandLine !== eventData.CommandLine) {
    problems.push('Sysmon process creation without its command line')
  }
}

function readLines(file: string, lines: string[], summary: SampleSummary, problems: string[]): void {
  for (const line of lines.slice(0, OTRF_LINES_PER_FILE)) {
    const events = record(summary, parseRecord, { raw: line, source: 'otrf', receivedAt: RECEIVED_AT })
    for (const event of events) checkWindowsEvent(event, problems)
  }
  if (lines.length > OTRF_LINES_PER_FILE)
    summary.note = `first ${OTRF_LINES_PER_FILE} of ${lines.length} lines`
  void file
}

/** Header-described files (Zeek TSV, CSV): read through their file reader, then parsed as objects. */
function readWithHeader(
  lines: string[],
  reader: { read(line: string): Record<string, unknown> | null | string },
  summary: SampleSummary,
): void {
  for (const line of lines) {
    const decoded = reader.read(line.replace(/\r$/, ''))
    if (decoded === null) continue
    if (typeof decoded === 'string') {
      summary.records++
      summary.failures.push({ record: summary.records, reason: decoded })
      continue
    }
    record(summary, parseRecord, { raw: decoded, source: 'otrf', receivedAt: RECEIVED_AT })
  }
}

function readOtrfArchive(file: string, problems: string[]): SampleSummary[] {
  const summaries: SampleSummary[] = []
  if (file.endsWith('.tar.gz')) {
    const summary = newSummary(relative(file))
    const { text, truncated } = tarGzText(file)
    const lines = splitLines(text)
    // A truncated archive (one in OTRF) may end in the middle of a line: that line is not a record.
    readLines(file, truncated ? lines.slice(0, -1) : lines, summary, problems)
    if (truncated) summary.note = 'truncated archive: last line dropped'
    return [summary]
  }
  const entries = zipEntries(file)
  for (const entry of entries) {
    const summary = newSummary(entries.length > 1 ? `${relative(file)}:${entry}` : relative(file))
    if (isPacketCapture(file, entry)) {
      summary.note = 'packet capture, not a log: skipped'
    } else {
      const text = zipEntry(file, entry, OTRF_LINES_PER_FILE + 1).toString('utf8')
      const lines = splitLines(text)
      if (text.startsWith('#separator')) readWithHeader(lines, createZeekTsvReader(), summary)
      else if (entry.endsWith('.csv') || !text.trimStart().startsWith('{')) {
        const firstLine = lines[0] ?? ''
        if (firstLine.includes(',') && !firstLine.includes('='))
          readWithHeader(lines, createCsvReader(), summary)
        else readLines(file, lines, summary, problems)
      } else readLines(file, lines, summary, problems)
    }
    summaries.push(summary)
  }
  return summaries
}

describe.runIf(hasTestData(SAMPLES))('real log samples: every file parses with no dead letter', () => {
  it('OTRF Security-Datasets (Windows, Linux auditd, AWS, Azure, Zeek TSV)', { timeout: 120_000 }, () => {
    const problems: string[] = []
    const summaries: SampleSummary[] = []
    for (const file of filesUnder(testDataPath(SAMPLES, 'otrf'))) {
      if (/\.zip$/i.test(file) || file.endsWith('.tar.gz')) summaries.push(...readOtrfArchive(file, problems))
      else if (file.endsWith('.json')) {
        const summary = newSummary(relative(file))
        readLines(file, splitLines(readFileSync(file, 'utf8')), summary, problems)
        summaries.push(summary)
      }
    }
    console.log(formatTable('OTRF', summaries))
    expect(failureReport(summaries)).toEqual([])
    expect(problems.slice(0, 5)).toEqual([])
    const logs = summaries.filter((summary) => summary.records > 0)
    expect(logs.length).toBeGreaterThan(150)
    for (const summary of logs) expect(summary.events, summary.name).toBeGreaterThanOrEqual(summary.records)
  })

  it('Stratus Red Team CloudTrail records', () => {
    const summaries: SampleSummary[] = []
    const problems: string[] = []
    for (const file of filesUnder(testDataPath(SAMPLES, 'cloudtrail-stratus')).filter((name) =>
      name.endsWith('.json'),
    )) {
      const summary = newSummary(relative(file))
      const records: unknown = JSON.parse(readFileSync(file, 'utf8'))
      // The file is the array; it goes in as the CloudTrail `Records` wrapper, one record yielding many events.
      const events = record(summary, parseRecord, {
        raw: { Records: records },
        source: 'cloudtrail',
        parser: 'cloudtrail',
        receivedAt: RECEIVED_AT,
      })
      expect(events.length).toBe(Array.isArray(records) ? records.length : -1)
      for (const event of events) {
        const original = event.original
        if (event.dataset !== 'aws.cloudtrail') problems.push(`${summary.name}: dataset ${event.dataset}`)
        if (event.eventCode !== original.eventName) problems.push(`${summary.name}: code ${event.eventCode}`)
        if (event.timestamp.getTime() !== Date.parse(String(original.eventTime))) {
          problems.push(`${summary.name}: time ${event.timestamp.toISOString()} for ${original.eventTime}`)
        }
      }
      summaries.push(summary)
    }
    console.log(formatTable('CloudTrail (Stratus)', summaries))
    expect(summaries.length).toBeGreaterThan(30)
    expect(failureReport(summaries)).toEqual([])
    expect(problems).toEqual([])
  })

  it('Panther sample logs (102 log types; the _panther_* test labels are ignored)', () => {
    const summaries: SampleSummary[] = []
    const problems: string[] = []
    for (const file of filesUnder(testDataPath(SAMPLES, 'panther')).filter((name) =>
      name.endsWith('.jsonl'),
    )) {
      const summary = newSummary(path.basename(file, '.jsonl'))
      for (const line of splitLines(readFileSync(file, 'utf8'))) {
        const events = record(summary, parseRecord, { raw: line, source: 'panther', receivedAt: RECEIVED_AT })
        for (const event of events) {
          const eventTime = event.original.p_event_time
          if (
            typeof eventTime === 'string' &&
            /^\d{4}-\d\d-\d\d/.test(eventTime) &&
            event.timestamp.getTime() === RECEIVED_AT.getTime()
          ) {
            problems.push(`${summary.name}: p_event_time ${eventTime} not read`)
          }
        }
      }
      summaries.push(summary)
    }
    console.log(formatTable('Panther', summaries))
    expect(summaries.length).toBe(102)
    expect(failureReport(summaries)).toEqual([])
    expect(problems).toEqual([])
    for (const summary of summaries) expect(summary.events, summary.name).toBe(summary.records)
  })

  it('Zeek JSON logs (gzip)', { timeout: 60_000 }, () => {
    const summaries: SampleSummary[] = []
    const problems: string[] = []
    for (const file of filesUnder(testDataPath(SAMPLES, 'zeek')).filter((name) =>
      name.endsWith('.json.gz'),
    )) {
      const stem = path.basename(file, '.json.gz')
      const summary = newSummary(stem)
      for (const line of splitLines(gunzipSync(readFileSync(file)).toString('utf8'))) {
        const events = record(summary, parseRecord, { raw: line, source: 'zeek', receivedAt: RECEIVED_AT })
        for (const event of events) {
          if (event.dataset !== `zeek.${stem}`) problems.push(`${stem}: dataset ${event.dataset}`)
          const ts = event.original.ts
          if (typeof ts === 'string' && event.timestamp.getTime() !== Date.parse(ts)) {
            problems.push(`${stem}: time ${event.timestamp.toISOString()} for ts ${ts}`)
          }
        }
      }
      summaries.push(summary)
    }
    console.log(formatTable('Zeek', summaries))
    expect(failureReport(summaries)).toEqual([])
    expect(problems.slice(0, 5)).toEqual([])
    expect(summaries.reduce((sum, summary) => sum + summary.events, 0)).toBeGreaterThan(100_000)
  })
})
