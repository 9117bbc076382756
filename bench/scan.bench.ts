/**
 * npm run bench:scan (npx tsx bench/scan.bench.ts) — Sigma detection throughput on one core.
 *
 * Loads every SigmaHQ Windows rule, then runs them over (1) the SigmaHQ regression events
 * (evtx_dump JSON, mostly Sysmon) repeated to ~1,000,000 lines and (2) the OTRF Windows samples
 * (flat agent JSON), with the Sysmon events of those samples also reported on their own.
 * Input is streamed in batches of BATCH lines: each batch is measured twice, JSON.parse alone
 * (baseline) and JSON.parse + detection, then dropped, so the peak RSS is the engine's plus one
 * batch (only the few thousand distinct regression lines stay in memory, to be repeated).
 * Rates are per second of this process's CPU time (user + system) over the timed loops, which a
 * busy shared machine disturbs less than wall time; wall-time rates are shown beside them.
 * Env: WATCHFLOOR_TEST_DATA (default ../shared/data), BENCH_EVENTS (regression lines, default 1e6),
 * BENCH_OTRF_EVENTS (cap on OTRF lines, default 400,000), BENCH_SYSMON_EVENTS (cap on the Sysmon
 * lines of the OTRF pass reported apart, default 100,000).
 */
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { splitJsonValues } from '../src/detect/sigma/conformance/json-events.js'
import { createDetector, type Detector, loadRules } from '../src/detect/sigma/index.js'
import { isJsonObjectLine } from './support/samples.js'

const DATA_DIR = path.resolve(
  process.env.WATCHFLOOR_TEST_DATA ?? path.join(process.cwd(), '..', 'shared', 'data'),
)
const SIGMA = path.join(DATA_DIR, 'sigma')
const REGRESSION_EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000)
const OTRF_EVENTS = Number(process.env.BENCH_OTRF_EVENTS ?? 400_000)
const SYSMON_EVENTS = Number(process.env.BENCH_SYSMON_EVENTS ?? 100_000)
const BATCH = 10_000
const SYSMON_CHANNEL = '"Channel":"Microsoft-Windows-Sysmon/Operational"'

function filesUnder(dir: string, suffix: string): string[] {
  const found: string[] = []
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry)
    if (statSync(full).isDirectory()) found.push(...filesUnder(full, suffix))
    else if (entry.endsWith(suffix)) found.push(full)
  }
  return found.sort()
}

/** The distinct regression events as one compact JSON line each (a few MiB). */
function regressionLines(): string[] {
  const lines: string[] = []
  for (const file of filesUnder(path.join(SIGMA, 'regression_data'), '.json')) {
    for (const chunk of splitJsonValues(readFileSync(file, 'utf8'))) {
      lines.push(JSON.stringify(JSON.parse(chunk)))
    }
  }
  return lines
}

/** The regression lines repeated to `total`, BATCH at a time (each line a fresh string, as if read). */
function* repeatedBatches(unique: readonly string[], total: number): Generator<string[]> {
  let produced = 0
  while (produced < total) {
    const batch: string[] = []
    while (batch.length < BATCH && produced < total) {
      batch.push(unique[produced % unique.length]!.slice(0))
      produced++
    }
    yield batch
  }
}

/** OTRF Windows datasets (each zip one CRLF JSON-lines file), streamed through `unzip -p`. */
async function* otrfBatches(): AsyncGenerator<string[]> {
  const root = path.join(DATA_DIR, 'samples', 'otrf', 'datasets')
  const zips = filesUnder(root, '.zip').filter((file) => /[/\\](windows|compound)[/\\]/.test(file))
  let batch: string[] = []
  for (const zip of zips) {
    const child = spawn('unzip', ['-p', zip], { stdio: ['ignore', 'pipe', 'ignore'] })
    for await (const line of createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY })) {
      if (!isJsonObjectLine(line)) continue
      batch.push(line)
      if (batch.length === BATCH) {
        yield batch
        batch = []
      }
    }
  }
  if (batch.length > 0) yield batch
}

interface PassTotals {
  events: number
  bytes: number
  parseCpu: number
  totalCpu: number
  parseWall: number
  totalWall: number
  matches: number
}

function emptyTotals(): PassTotals {
  return { events: 0, bytes: 0, parseCpu: 0, totalCpu: 0, parseWall: 0, totalWall: 0, matches: 0 }
}

function cpuSeconds(): number {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1e6
}

let sink = 0

/** Measures one batch: JSON.parse alone, then JSON.parse + detection, on the same lines. */
function runBatch(lines: readonly string[], detector: Detector, totals: PassTotals): void {
  if (lines.length === 0) return
  let wall = performance.now()
  let cpu = cpuSeconds()
  for (const line of lines) sink += (JSON.parse(line) as object) === null ? 1 : 0
  totals.parseCpu += cpuSeconds() - cpu
  totals.parseWall += (performance.now() - wall) / 1000
  let matches = 0
  wall = performance.now()
  cpu = cpuSeconds()
  for (const line of lines) matches += detector.match(JSON.parse(line) as Record<string, unknown>).length
  totals.totalCpu += cpuSeconds() - cpu
  totals.totalWall += (performance.now() - wall) / 1000
  totals.matches += matches
  totals.events += lines.length
  for (const line of lines) totals.bytes += line.length
}

function report(name: string, totals: PassTotals): void {
  const rate = (value: number) => Math.round(value).toLocaleString('en-US')
  const perSecond = (seconds: number) => rate(totals.events / Math.max(seconds, 1e-9))
  console.log(
    `\n${name}: ${rate(totals.events)} events, ${(totals.bytes / Math.max(totals.events, 1)).toFixed(0)} bytes/event avg`,
  )
  console.log('                         per CPU second   (per wall second)')
  console.log(
    `  JSON.parse only        ${perSecond(totals.parseCpu)} events/s   (${perSecond(totals.parseWall)})`,
  )
  console.log(
    `  JSON.parse + detect    ${perSecond(totals.totalCpu)} events/s   (${perSecond(totals.totalWall)})`,
  )
  console.log(
    `  detect (excl. parse)   ${perSecond(totals.totalCpu - totals.parseCpu)} events/s   (${perSecond(totals.totalWall - totals.parseWall)})`,
  )
  console.log(
    `  time ratio to JSON.parse baseline: ${(totals.totalCpu / totals.parseCpu).toFixed(2)}x CPU (${(totals.totalWall / totals.parseWall).toFixed(2)}x wall)`,
  )
  console.log(`  matches: ${rate(totals.matches)}`)
}

function peakRssMiB(): string {
  return (process.resourceUsage().maxRSS / 1024).toFixed(0)
}

function warm(lines: readonly string[], detector: Detector): void {
  for (const line of lines) detector.match(JSON.parse(line) as Record<string, unknown>)
}

const loadStart = performance.now()
const loaded = await loadRules(
  ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((dir) => path.join(SIGMA, dir)),
)
const loadSeconds = (performance.now() - loadStart) / 1000
const windowsRules = loaded.rules.filter((rule) => rule.logsource.product === 'windows')
const detectorStart = performance.now()
const detector = createDetector(windowsRules)
const detectorSeconds = (performance.now() - detectorStart) / 1000
const rulesRssMiB = process.memoryUsage().rss / 1024 / 1024
console.log(
  `rules: loaded ${loaded.rules.length} SigmaHQ rules from ${loaded.files} files in ${loadSeconds.toFixed(2)} s ` +
    `(${loaded.errors.length} not loaded); ${windowsRules.length} Windows rules in the detector (${detectorSeconds.toFixed(2)} s); RSS with rules loaded ${rulesRssMiB.toFixed(0)} MiB`,
)

const unique = regressionLines()
warm(unique.slice(0, 20_000), detector)
const regression = emptyTotals()
for (const batch of repeatedBatches(unique, REGRESSION_EVENTS)) runBatch(batch, detector, regression)
report(`SigmaHQ regression events (${unique.length} distinct, evtx_dump JSON) repeated`, regression)
console.log(`  peak RSS so far: ${peakRssMiB()} MiB`)

const otrfOthers = emptyTotals()
const otrfSysmon = emptyTotals()
let warmed = false
for await (const batch of otrfBatches()) {
  const taken = batch.slice(0, OTRF_EVENTS - otrfOthers.events - otrfSysmon.events)
  if (!warmed) {
    warm(taken, detector)
    warmed = true
  }
  const sysmon: string[] = []
  const others: string[] = []
  for (const line of taken) {
    if (otrfSysmon.events + sysmon.length < SYSMON_EVENTS && line.includes(SYSMON_CHANNEL)) sysmon.push(line)
    else others.push(line)
  }
  runBatch(sysmon, detector, otrfSysmon)
  runBatch(others, detector, otrfOthers)
  if (otrfOthers.events + otrfSysmon.events >= OTRF_EVENTS) break
}
const combined: PassTotals = {
  events: otrfOthers.events + otrfSysmon.events,
  bytes: otrfOthers.bytes + otrfSysmon.bytes,
  parseCpu: otrfOthers.parseCpu + otrfSysmon.parseCpu,
  totalCpu: otrfOthers.totalCpu + otrfSysmon.totalCpu,
  parseWall: otrfOthers.parseWall + otrfSysmon.parseWall,
  totalWall: otrfOthers.totalWall + otrfSysmon.totalWall,
  matches: otrfOthers.matches + otrfSysmon.matches,
}
report('OTRF Windows samples (flat agent JSON, all channels)', combined)
report('OTRF Sysmon events only', otrfSysmon)

if (sink < 0) console.log(sink)
console.log(`\npeak RSS: ${peakRssMiB()} MiB`)
