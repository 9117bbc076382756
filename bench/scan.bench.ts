/**
 * npx tsx bench/scan.bench.ts — Sigma detection throughput on one core.
 *
 * Loads every SigmaHQ Windows rule, then runs them over (1) the SigmaHQ regression events
 * (evtx_dump JSON, mostly Sysmon) repeated to ~1,000,000 lines and (2) the OTRF Windows samples
 * (flat agent JSON). Each pass is measured twice on the same lines in the same run: JSON.parse
 * alone (baseline) and JSON.parse + detection; detection events/s excludes the parse time.
 * Env: WATCHFLOOR_TEST_DATA (default ../shared/data), BENCH_EVENTS (regression lines, default 1e6),
 * BENCH_OTRF_EVENTS (cap on OTRF lines, default 400,000), BENCH_SYSMON_EVENTS (Sysmon-only pass, 100,000). Peak RSS includes the benchmark's own data.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { splitJsonValues } from '../src/detect/sigma/conformance/json-events.js'
import { createDetector, type Detector, loadRules } from '../src/detect/sigma/index.js'

const DATA_DIR = path.resolve(
  process.env.WATCHFLOOR_TEST_DATA ?? path.join(process.cwd(), '..', 'shared', 'data'),
)
const SIGMA = path.join(DATA_DIR, 'sigma')
const REGRESSION_EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000)
const OTRF_EVENTS = Number(process.env.BENCH_OTRF_EVENTS ?? 400_000)

function filesUnder(dir: string, suffix: string): string[] {
  const found: string[] = []
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry)
    if (statSync(full).isDirectory()) found.push(...filesUnder(full, suffix))
    else if (entry.endsWith(suffix)) found.push(full)
  }
  return found.sort()
}

/** Regression events as one compact JSON line each. */
function regressionLines(): string[] {
  const lines: string[] = []
  for (const file of filesUnder(path.join(SIGMA, 'regression_data'), '.json')) {
    const text = execFileSync('cat', [file]).toString('utf8')
    for (const chunk of splitJsonValues(text)) lines.push(JSON.stringify(JSON.parse(chunk)))
  }
  return lines
}

/** OTRF Windows datasets: each zip holds one JSON-lines file (CRLF); read one archive at a time. */
function* otrfFiles(): Generator<string[]> {
  const root = path.join(DATA_DIR, 'samples', 'otrf', 'datasets')
  for (const zip of filesUnder(root, '.zip').filter((file) => /[/\\](windows|compound)[/\\]/.test(file))) {
    const text = execFileSync('unzip', ['-p', zip], { maxBuffer: 1 << 30 }).toString('utf8')
    const lines: string[] = []
    for (const raw of text.split('\n')) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
      if (line.startsWith('{') && isJsonObject(line)) lines.push(line)
    }
    yield lines
  }
}

/** A few archives hold binary or truncated lines; they are left out of the measurement. */
function isJsonObject(line: string): boolean {
  try {
    return typeof JSON.parse(line) === 'object'
  } catch {
    return false
  }
}

interface PassResult {
  events: number
  parseSeconds: number
  totalSeconds: number
  matches: number
}

function runPass(lines: readonly string[], detector: Detector): PassResult {
  let sink = 0
  let start = performance.now()
  for (const line of lines) sink += (JSON.parse(line) as object) === null ? 1 : 0
  const parseSeconds = (performance.now() - start) / 1000
  let matches = 0
  start = performance.now()
  for (const line of lines) matches += detector.match(JSON.parse(line) as Record<string, unknown>).length
  const totalSeconds = (performance.now() - start) / 1000
  if (sink < 0) console.log(sink)
  return { events: lines.length, parseSeconds, totalSeconds, matches }
}

function report(name: string, result: PassResult, bytes: number): void {
  const detectSeconds = Math.max(result.totalSeconds - result.parseSeconds, 1e-9)
  const rate = (value: number) => Math.round(value).toLocaleString('en-US')
  console.log(
    `\n${name}: ${rate(result.events)} events, ${(bytes / result.events).toFixed(0)} bytes/event avg`,
  )
  console.log(`  JSON.parse only        ${rate(result.events / result.parseSeconds)} events/s`)
  console.log(`  JSON.parse + detect    ${rate(result.events / result.totalSeconds)} events/s`)
  console.log(`  detect (excl. parse)   ${rate(result.events / detectSeconds)} events/s`)
  console.log(
    `  time ratio to JSON.parse baseline: ${(result.totalSeconds / result.parseSeconds).toFixed(2)}x`,
  )
  console.log(`  matches: ${rate(result.matches)}`)
}

function warm(lines: readonly string[], detector: Detector): void {
  for (let index = 0; index < Math.min(lines.length, 20_000); index++) {
    detector.match(JSON.parse(lines[index]!) as Record<string, unknown>)
  }
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
const repeated: string[] = []
while (repeated.length < REGRESSION_EVENTS) repeated.push(...unique)
repeated.length = REGRESSION_EVENTS
const regressionBytes =
  unique.reduce((sum, line) => sum + line.length, 0) * (REGRESSION_EVENTS / unique.length)
warm(repeated, detector)
report(
  `SigmaHQ regression events (${unique.length} distinct, evtx_dump JSON) repeated`,
  runPass(repeated, detector),
  regressionBytes,
)

const otrfTotal: PassResult = { events: 0, parseSeconds: 0, totalSeconds: 0, matches: 0 }
let otrfBytes = 0
let warmed = false
const SYSMON_EVENTS = Number(process.env.BENCH_SYSMON_EVENTS ?? 100_000)
const sysmonLines: string[] = []
for (const lines of otrfFiles()) {
  for (const line of lines) {
    if (
      sysmonLines.length < SYSMON_EVENTS &&
      line.includes('"Channel":"Microsoft-Windows-Sysmon/Operational"')
    ) {
      sysmonLines.push(line)
    }
  }
  const taken = lines.slice(0, OTRF_EVENTS - otrfTotal.events)
  if (!warmed) {
    warm(taken, detector)
    warmed = true
  }
  const result = runPass(taken, detector)
  otrfTotal.events += result.events
  otrfTotal.parseSeconds += result.parseSeconds
  otrfTotal.totalSeconds += result.totalSeconds
  otrfTotal.matches += result.matches
  otrfBytes += taken.reduce((sum, line) => sum + line.length, 0)
  if (otrfTotal.events >= OTRF_EVENTS) break
}
report('OTRF Windows samples (flat agent JSON, all channels)', otrfTotal, otrfBytes)
report(
  'OTRF Sysmon events only',
  runPass(sysmonLines, detector),
  sysmonLines.reduce((sum, line) => sum + line.length, 0),
)

console.log(`\npeak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`)
