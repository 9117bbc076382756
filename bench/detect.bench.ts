/**
 * npm run bench:detect — the live detection role working off a backlog, on DuckDB and PostgreSQL.
 *
 * BENCH_EVENTS OTRF Windows events (flat agent JSON, 2.7 KB on average) are appended and
 * committed first (not timed); then the detect loop (src/detect/live/detect-loop.ts) with every
 * SigmaHQ rule loaded through the rule catalog reads them by sequence cursor, evaluates them and
 * commits each batch's detections with its cursor, until it has caught up. The time is split
 * into reading the batches, evaluating them and committing them, measured around the store's
 * own calls. Baseline in the same run: the same events through the same detector from memory
 * (JSON.parse + match, what `watchfloor scan` does), so the ratio is the cost of the live path's
 * reads and commits. Rates are per wall second; this process's CPU per event is shown beside
 * them (PostgreSQL's own work is in its server processes, not in that figure).
 * Env: BENCH_EVENTS (default 200,000), BENCH_ENGINES (default duckdb,postgres),
 * WATCHFLOOR_TEST_PG_URL, WATCHFLOOR_TEST_DATA.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { DetectLoop } from '../src/detect/live/detect-loop.js'
import { RuleCatalog } from '../src/detect/live/rule-catalog.js'
import { openStore } from '../src/store/open-store.js'
import type { Store } from '../src/store/store.js'
import { createScratchDatabase } from '../src/test-support/stores.js'
import { DATA_DIR, otrfStoredEvents, otrfWindowsLines } from './support/samples.js'

const TOTAL_EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000)
const ENGINES = (process.env.BENCH_ENGINES ?? 'duckdb,postgres').split(',')
const APPEND_BATCH = 2_000
const RULE_DIRS = ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((dir) =>
  path.join(DATA_DIR, 'sigma', dir),
)
const logger = pino({ level: 'silent' })

function cpuSeconds(): number {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1e6
}

const rate = (value: number) => Math.round(value).toLocaleString('en-US')

/** The baseline: the catalog's detector over the same lines, from memory. */
function offlineRate(catalog: RuleCatalog, lines: readonly string[]): { perSecond: number; matches: number } {
  const { detector } = catalog.snapshot
  let matches = 0
  const started = performance.now()
  for (const line of lines) matches += detector.match(JSON.parse(line) as Record<string, unknown>).length
  return { perSecond: lines.length / ((performance.now() - started) / 1000), matches }
}

async function benchEngine(engine: string, store: Store, lines: readonly string[]): Promise<void> {
  const events = otrfStoredEvents(lines)
  for (let start = 0; start < events.length; start += APPEND_BATCH)
    await store.events.append(events.slice(start, start + APPEND_BATCH))
  await store.checkpoint()
  const catalog = new RuleCatalog(store, RULE_DIRS, logger, 'never')
  await catalog.reload()
  // Warm the detector (its per-source rule groups are built on first sight), then the baseline.
  offlineRate(catalog, lines.slice(0, 20_000))
  const offline = offlineRate(catalog, lines)

  // Time around the store's calls the loop makes: reads of batches and the commits of results.
  const timing = { read: 0, commit: 0 }
  const readAfter = store.events.readAfter.bind(store.events)
  store.events.readAfter = async (afterSeq, limit, options) => {
    const started = performance.now()
    try {
      return await readAfter(afterSeq, limit, options)
    } finally {
      timing.read += performance.now() - started
    }
  }
  const transaction = store.transaction.bind(store)
  store.transaction = async (work) => {
    const started = performance.now()
    try {
      return await transaction(work)
    } finally {
      timing.commit += performance.now() - started
    }
  }
  const loop = new DetectLoop(store, catalog, logger)
  const started = performance.now()
  const cpuStart = cpuSeconds()
  let evaluated = 0
  let batches = 0
  for (;;) {
    const processed = await loop.runOnce()
    if (processed === 0) break
    evaluated += processed
    batches++
  }
  const seconds = (performance.now() - started) / 1000
  const cpu = cpuSeconds() - cpuStart
  const detections = await store.db
    .selectFrom('detections')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  const evaluate = seconds * 1000 - timing.read - timing.commit
  const share = (ms: number) => `${((ms / (seconds * 1000)) * 100).toFixed(0)}%`
  console.log(
    `${engine.padEnd(10)} live: ${rate(evaluated / seconds)} events/s (${rate(evaluated)} events in ${seconds.toFixed(1)} s, ${batches} batches), ` +
      `CPU of this process ${((cpu / evaluated) * 1e6).toFixed(1)} µs/event, ${rate(Number(detections.n))} detections stored`,
  )
  console.log(
    `           time: reading ${share(timing.read)} (${((timing.read / evaluated) * 1000).toFixed(1)} µs/event), ` +
      `evaluating ${share(evaluate)}, committing ${share(timing.commit)} (${(timing.commit / batches).toFixed(1)} ms/batch)`,
  )
  console.log(
    `           baseline, the same detector from memory: ${rate(offline.perSecond)} events/s (${rate(offline.matches)} matches); ` +
      `live takes ${(offline.perSecond / (evaluated / seconds)).toFixed(2)}x its time`,
  )
}

async function main(): Promise<void> {
  console.log(`loading ${rate(TOTAL_EVENTS)} OTRF Windows events...`)
  const lines = otrfWindowsLines(TOTAL_EVENTS)
  if (ENGINES.includes('duckdb')) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'wf-bench-detect-'))
    const store = await openStore({ dataDir })
    try {
      await benchEngine('duckdb', store, lines)
    } finally {
      await store.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
  if (!ENGINES.includes('postgres')) return
  const { url, drop } = await createScratchDatabase()
  try {
    const store = await openStore({ databaseUrl: url, dataDir: tmpdir() })
    try {
      await benchEngine('postgres', store, lines)
    } finally {
      await store.close()
    }
  } finally {
    await drop()
  }
}

await main()
