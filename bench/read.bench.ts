/**
 * npx tsx bench/read.bench.ts — file reader throughput (src/ingest/files) on one core.
 *
 * OTRF Windows and compound datasets (zips of CRLF JSON lines): the zips are unpacked once into a
 * temporary folder (not timed), then each pass reads the same files:
 *   split          fs.readFileSync + toString + split('\n')       (the floor: no parsing at all)
 *   split+parse    the same plus JSON.parse of every line          (what the reader does)
 *   reader         readEventFileBatches over the unpacked files     (chunked read, split, JSON.parse)
 *   reader/record  readEventFiles, one await per record
 *   reader (zips)  readEventFileBatches over the original zips      (inflate included)
 *   parse only     JSON.parse of the same lines already in memory, each its own string (the
 *                  scan benchmark's baseline: JSON.parse alone)
 * The reader's time is also given as a multiple of `parse only`.
 * EVTX: every SigmaHQ regression .evtx, read over and over for at least BENCH_EVTX_SECONDS. These
 * files hold one or two records each, so the figure is mostly per-file cost (open, 64 KiB chunk,
 * template definitions); a second figure parses the same records again with each chunk's
 * templates already read, as in a large log with hundreds of records per chunk.
 * Each pass runs twice; the faster run counts. Rates are per second of this process's CPU time
 * (user + system, the thread pool's inflate and reads included), which a busy shared machine
 * disturbs far less than wall time; wall time is shown beside it.
 * Env: WATCHFLOOR_TEST_DATA (default ../shared/data), BENCH_OTRF_MB (unpacked data cap, default 600),
 * BENCH_EVTX_SECONDS (default 3).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ChunkBinXmlParser } from '../src/ingest/files/evtx/binxml-parser.js'
import { renderRecordJson } from '../src/ingest/files/evtx/render-json.js'
import { readEventFileBatches, readEventFiles } from '../src/ingest/files/read-event-files.js'

const DATA_DIR = path.resolve(
  process.env.WATCHFLOOR_TEST_DATA ?? path.join(process.cwd(), '..', 'shared', 'data'),
)
const OTRF_BYTES = Number(process.env.BENCH_OTRF_MB ?? 600) * 1024 * 1024
const EVTX_SECONDS = Number(process.env.BENCH_EVTX_SECONDS ?? 3)

function filesUnder(dir: string, accept: (name: string) => boolean): string[] {
  const found: string[] = []
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry)
    if (statSync(full).isDirectory()) found.push(...filesUnder(full, accept))
    else if (accept(entry)) found.push(full)
  }
  return found
}

interface Pass {
  lines: number
  bytes: number
  /** CPU seconds (user + system) spent by the process. */
  seconds: number
  wallSeconds: number
}

/** Starts a clock; calling the result gives CPU and wall seconds since. */
function clock(): () => { seconds: number; wallSeconds: number } {
  const cpu = process.cpuUsage()
  const wall = performance.now()
  return () => {
    const used = process.cpuUsage(cpu)
    return { seconds: (used.user + used.system) / 1e6, wallSeconds: (performance.now() - wall) / 1000 }
  }
}

async function best(run: () => Promise<Pass> | Pass): Promise<Pass> {
  const first = await run()
  const second = await run()
  return first.seconds <= second.seconds ? first : second
}

function splitPass(files: readonly string[], parse: boolean): Pass {
  const elapsed = clock()
  let lines = 0
  let bytes = 0
  let sink = 0
  for (const file of files) {
    const buffer = readFileSync(file)
    bytes += buffer.length
    for (const raw of buffer.toString('utf8').split('\n')) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
      if (line.trim().length === 0) continue
      lines += 1
      if (!parse) continue
      try {
        sink += JSON.parse(line) === null ? 1 : 0
      } catch {
        sink += 2
      }
    }
  }
  if (sink < 0) console.log(sink)
  return { lines, bytes, ...elapsed() }
}

function parseOnlyPass(lines: readonly string[], bytes: number): Pass {
  const elapsed = clock()
  let sink = 0
  for (const line of lines) {
    try {
      sink += JSON.parse(line) === null ? 1 : 0
    } catch {
      sink += 2
    }
  }
  if (sink < 0) console.log(sink)
  return { lines: lines.length, bytes, ...elapsed() }
}

/**
 * Every line as its own string, decoded line by line so that ASCII lines are one-byte strings:
 * the fastest input JSON.parse can get, which makes `parse only` a strict baseline.
 */
function splitLines(files: readonly string[]): string[] {
  const lines: string[] = []
  for (const file of files) {
    const buffer = readFileSync(file)
    for (let start = 0; start < buffer.length; ) {
      let end = buffer.indexOf(10, start)
      if (end === -1) end = buffer.length
      const line = buffer.toString('utf8', start, buffer[end - 1] === 13 ? end - 1 : end)
      if (line.trim().length > 0) lines.push(line)
      start = end + 1
    }
  }
  return lines
}

async function readerPass(paths: readonly string[], perRecord: boolean): Promise<Pass> {
  const elapsed = clock()
  let lines = 0
  let bytes = 0
  const onProgress = (progress: { bytesDone: number }) => {
    bytes = progress.bytesDone
  }
  if (perRecord) {
    for await (const _record of readEventFiles(paths, { onProgress })) lines += 1
  } else {
    for await (const batch of readEventFileBatches(paths, { onProgress })) lines += batch.length
  }
  return { lines, bytes, ...elapsed() }
}

function row(name: string, pass: Pass, unpackedBytes: number, note = ''): string {
  const mb = unpackedBytes / 1024 / 1024
  return [
    name.padEnd(15),
    `${Math.round(pass.lines / pass.seconds)
      .toLocaleString('en-US')
      .padStart(10)} lines/s`,
    `${(mb / pass.seconds).toFixed(0).padStart(5)} MB/s`,
    `${pass.seconds.toFixed(2).padStart(6)} s CPU (${pass.wallSeconds.toFixed(2)} s wall)`,
    note,
  ].join('  ')
}

function unpackOtrf(target: string): { zips: string[]; files: string[] } {
  const root = path.join(DATA_DIR, 'samples', 'otrf', 'datasets')
  const zips = filesUnder(root, (name) => name.toLowerCase().endsWith('.zip')).filter((file) =>
    /[/\\](windows|compound)[/\\]/.test(file),
  )
  rmSync(target, { recursive: true, force: true })
  const chosen: string[] = []
  let total = 0
  for (const zip of zips) {
    if (total >= OTRF_BYTES) break
    const dir = path.join(target, String(chosen.length))
    mkdirSync(dir, { recursive: true })
    execFileSync('unzip', ['-qq', '-o', zip, '-x', '__MACOSX/*', '-d', dir], { stdio: 'ignore' })
    for (const file of filesUnder(dir, (name) => /\.(json|log|csv)$/i.test(name)))
      total += statSync(file).size
    chosen.push(zip)
  }
  return { zips: chosen, files: filesUnder(target, (name) => /\.json$/i.test(name)) }
}

async function otrf(): Promise<void> {
  const target = path.join(tmpdir(), 'watchfloor-read-bench')
  const { zips, files } = unpackOtrf(target)
  const unpacked = files.reduce((sum, file) => sum + statSync(file).size, 0)
  const zipped = zips.reduce((sum, file) => sum + statSync(file).size, 0)
  console.log(
    `OTRF: ${zips.length} zips (${(zipped / 1024 / 1024).toFixed(0)} MB) → ${files.length} JSON files (${(unpacked / 1024 / 1024).toFixed(0)} MB)`,
  )
  splitPass(files, false) // warm the page cache
  const split = await best(() => splitPass(files, false))
  const parse = await best(() => splitPass(files, true))
  const reader = await best(() => readerPass(files, false))
  const perRecord = await best(() => readerPass(files, true))
  const fromZips = await best(() => readerPass(zips, false))
  const lines = splitLines(files)
  const parseOnlyPassResult = await best(() => parseOnlyPass(lines, unpacked))
  lines.length = 0
  const parseOnly = parseOnlyPassResult.seconds
  console.log(row('parse only', parseOnlyPassResult, unpacked))
  console.log(row('split', split, unpacked))
  console.log(row('split+parse', parse, unpacked))
  console.log(row('reader', reader, unpacked, `${(reader.seconds / parseOnly).toFixed(2)}× JSON.parse alone`))
  console.log(
    row(
      'reader/record',
      perRecord,
      unpacked,
      `${(perRecord.seconds / parseOnly).toFixed(2)}× JSON.parse alone`,
    ),
  )
  console.log(
    row(
      'reader (zips)',
      fromZips,
      unpacked,
      `${(fromZips.seconds / parseOnly).toFixed(2)}× JSON.parse alone`,
    ),
  )
  if (reader.lines !== parse.lines)
    console.log(`note: reader yielded ${reader.lines} records, split ${parse.lines} lines`)
  rmSync(target, { recursive: true, force: true })
}

async function evtx(): Promise<void> {
  const files = filesUnder(path.join(DATA_DIR, 'sigma', 'regression_data'), (name) => name.endsWith('.evtx'))
  const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0)
  await readerPass(files, false)
  const run = async (): Promise<Pass> => {
    let rounds = 0
    let lines = 0
    const elapsed = clock()
    while (elapsed().seconds < EVTX_SECONDS) {
      lines += (await readerPass(files, false)).lines
      rounds += 1
    }
    return { lines, bytes: bytes * rounds, ...elapsed() }
  }
  const pass = await best(run)
  console.log(
    `EVTX: ${files.length} files (${(bytes / 1024 / 1024).toFixed(1)} MB, mostly empty chunk space), ` +
      `${Math.round(pass.lines / pass.seconds).toLocaleString('en-US')} records/s, ` +
      `${(pass.bytes / 1024 / 1024 / pass.seconds).toFixed(0)} MB/s of file (CPU time; ${pass.wallSeconds.toFixed(1)} s wall)`,
  )
}

/** Records of chunks already in memory, each chunk's parser (and its template cache) reused. */
function evtxWarm(): void {
  const files = filesUnder(path.join(DATA_DIR, 'sigma', 'regression_data'), (name) => name.endsWith('.evtx'))
  const chunks = files.map((file) => readFileSync(file).subarray(4096, 4096 + 65536))
  const jobs = chunks.map((chunk) => {
    const records: Array<[number, number]> = []
    const end = chunk.readUInt32LE(48)
    for (let offset = 512; offset < end && chunk.readUInt32LE(offset) === 0x2a2a; ) {
      const size = chunk.readUInt32LE(offset + 4)
      records.push([offset + 24, offset + size - 4])
      offset += size
    }
    return { parser: new ChunkBinXmlParser(chunk), records }
  })
  const run = (): Pass => {
    const elapsed = clock()
    let lines = 0
    while (elapsed().seconds < EVTX_SECONDS) {
      for (const job of jobs) {
        for (const [start, end] of job.records) {
          renderRecordJson(job.parser.parseRecord(start, end))
          lines += 1
        }
      }
    }
    return { lines, bytes: 0, ...elapsed() }
  }
  run()
  const pass = run()
  console.log(
    `EVTX records, templates cached: ${Math.round(pass.lines / pass.seconds).toLocaleString('en-US')} records/s (CPU time)`,
  )
}

await otrf()
await evtx()
evtxWarm()
