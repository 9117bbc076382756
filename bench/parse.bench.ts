/**
 * npx tsx bench/parse.bench.ts — parse + normalise throughput on one core, against JSON.parse alone.
 *
 * Lines: OTRF Windows samples (flat agent JSON, the hot path of ingest) and the Zeek JSON samples.
 * Each pass runs JSON.parse alone over the same lines (the floor), then parseRecord with the
 * parser detected from content (`auto`) and with the parser named by the source; the best of
 * BENCH_ROUNDS rounds is kept. Env: WATCHFLOOR_TEST_DATA (default ../shared/data),
 * BENCH_OTRF_EVENTS (default 300,000), BENCH_ZEEK_EVENTS (default 158,000), BENCH_ROUNDS (3).
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { parseRecord } from '../src/ingest/parsers/index.js'

const DATA_DIR = path.resolve(
  process.env.WATCHFLOOR_TEST_DATA ?? path.join(process.cwd(), '..', 'shared', 'data'),
)
const SAMPLES = path.join(DATA_DIR, 'samples')
const OTRF_EVENTS = Number(process.env.BENCH_OTRF_EVENTS ?? 300_000)
const ZEEK_EVENTS = Number(process.env.BENCH_ZEEK_EVENTS ?? 158_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)

function files(dir: string, test: (name: string) => boolean): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort()
}

function otrfWindowsLines(limit: number): string[] {
  const lines: string[] = []
  for (const zip of files(path.join(SAMPLES, 'otrf', 'datasets', 'atomic', 'windows'), (name) =>
    name.endsWith('.zip'),
  )) {
    const text = execFileSync('unzip', ['-p', zip], { maxBuffer: 1 << 30 }).toString('utf8')
    if (!text.startsWith('{')) continue
    for (const line of text.split('\n')) {
      const trimmed = line.trimEnd()
      if (trimmed.startsWith('{')) lines.push(trimmed)
      if (lines.length >= limit) return lines
    }
  }
  return lines
}

function zeekLines(limit: number): string[] {
  const lines: string[] = []
  for (const file of files(path.join(SAMPLES, 'zeek'), (name) => name.endsWith('.json.gz'))) {
    for (const line of gunzipSync(readFileSync(file)).toString('utf8').split('\n')) {
      if (line.startsWith('{')) lines.push(line)
      if (lines.length >= limit) return lines
    }
  }
  return lines
}

function best(run: () => number): { seconds: number; check: number } {
  let seconds = Number.POSITIVE_INFINITY
  let check = 0
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint()
    check = run()
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - start) / 1e9)
  }
  return { seconds, check }
}

function report(label: string, lines: string[], parser: string): void {
  const bytes = lines.reduce((sum, line) => sum + line.length, 0)
  const receivedAt = new Date()
  const baseline = best(() => {
    let keys = 0
    for (const line of lines) keys += Object.keys(JSON.parse(line) as object).length > 0 ? 1 : 0
    return keys
  })
  const row = (name: string, seconds: number) => {
    const perSecond = Math.round(lines.length / seconds)
    const ratio = (baseline.seconds / seconds).toFixed(2)
    console.log(
      `  ${name.padEnd(34)} ${perSecond.toLocaleString('en-US').padStart(10)} events/s  (${ratio}× JSON.parse speed)`,
    )
  }
  console.log(
    `\n${label}: ${lines.length.toLocaleString('en-US')} lines, average ${Math.round(bytes / lines.length)} bytes`,
  )
  row('JSON.parse alone', baseline.seconds)
  for (const name of ['auto', parser]) {
    let errors = 0
    const measured = best(() => {
      let events = 0
      errors = 0
      for (const raw of lines) {
        const outcome = parseRecord({ raw, source: 'bench', parser: name, receivedAt })
        if ('error' in outcome) errors++
        else events += outcome.events.length
      }
      return events
    })
    row(`parseRecord (parser: ${name})`, measured.seconds)
    if (errors > 0) console.log(`  ! ${errors} records refused`)
  }
}

console.log(`node ${process.version}, ${ROUNDS} rounds, best kept`)
report('OTRF Windows (flat agent JSON)', otrfWindowsLines(OTRF_EVENTS), 'windows')
report('Zeek JSON', zeekLines(ZEEK_EVENTS), 'zeek')
