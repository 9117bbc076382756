/**
 * npm run bench:ingest — sustained ingest into a real server process, driven from this process
 * over HTTP NDJSON and syslog TCP, with real Windows events from the OTRF samples, on DuckDB and
 * PostgreSQL. Baseline in the same run: JSON.parse of the same lines in one process.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { StoredEvent } from '../src/core/event.js'
import { openStore, type StoreOptions } from '../src/store/open-store.js'
import { createScratchDatabase } from '../src/test-support/stores.js'
import {
  mainThreadCpuSeconds,
  otrfStoredEvents,
  otrfWindowsLines,
  peakRssMiB,
  percentile,
  postgresCpuSeconds,
  processCpuSeconds,
} from './support/samples.js'

const TOTAL_EVENTS = Number(process.env.BENCH_EVENTS ?? 400_000)
/** `duckdb` or `postgres` alone runs one engine (a quicker run while tuning one path). */
const ENGINES = (process.env.BENCH_ENGINES ?? 'duckdb,postgres').split(',')
const BATCH = 1_000
/** `store`, `http`, `syslog`: the passes to run (all by default; one alone while tuning it). */
const INPUTS = (process.env.BENCH_INPUTS ?? 'store,http,syslog').split(',')
/** As many as over HTTP: a short burst after HTTP's would measure HTTP's checkpoints, not syslog. */
const SYSLOG_EVENTS = Number(process.env.BENCH_SYSLOG_EVENTS ?? TOTAL_EVENTS)
const CONCURRENCY = Number(process.env.BENCH_SENDERS ?? 8)
/** Events per append in the store-alone pass: about what the server's commits hold under load. */
const STORE_BATCH = 2_000

interface Server {
  child: ChildProcess
  url: string
  password: string
  syslogPort: number
}

/**
 * The server runs as `npm start` runs it: the compiled JavaScript, built here first. Through tsx
 * it would run esbuild's output instead, with a `__name` call for every closure it creates (about
 * 1 % of the main thread in a profile of this bench).
 */
const SERVER_ENTRY = path.join('dist', 'cli', 'main.js')

function buildServer(): void {
  process.stdout.write('building the server (tsc)...\n')
  const tsc = path.join('node_modules', 'typescript', 'bin', 'tsc')
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' })
  if (result.status !== 0) throw new Error('the server does not build; see the errors above')
}

function startServer(args: string[], env: Record<string, string>): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
        SERVER_ENTRY,
        'serve',
        '--port',
        '0',
        '--roles',
        'web,ingest',
        ...args,
      ],
      {
        env: { ...process.env, WATCHFLOOR_LOG_LEVEL: 'warn', WATCHFLOOR_SYSLOG_TCP_PORT: '0', ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    )
    let stderr = ''
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      const url = /listening on (http:\/\/[\d.:]+)/.exec(stderr)?.[1]
      const password = /password: (\S+)/.exec(stderr)?.[1]
      const syslogPort = Number(/Syslog listening on .*tcp (\d+)/.exec(stderr)?.[1] ?? 0)
      if (url && password && syslogPort) resolve({ child, url, password, syslogPort })
    })
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${stderr}`)))
  })
}

async function engineerToken(server: Server): Promise<string> {
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: server.password }),
  })
  const { csrfToken } = (await login.json()) as { csrfToken: string }
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  const created = await fetch(`${server.url}/api/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ name: 'bench', role: 'engineer' }),
  })
  return ((await created.json()) as { token: string }).token
}

async function driveHttp(
  server: Server,
  token: string,
  bodies: Uint8Array<ArrayBuffer>[],
): Promise<{ seconds: number; latencies: number[] }> {
  const latencies: number[] = []
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY })
  const url = new URL('/api/v1/ingest/bench', server.url)
  let next = 0
  const started = performance.now()
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!
      const sent = performance.now()
      for (;;) {
        const { status, answer } = await postBody(url, agent, token, body)
        if (status === 200) break
        if (status !== 429) throw new Error(`ingest answered ${status}: ${answer.slice(0, 300)}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      latencies.push(performance.now() - sent)
    }
  }
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  } finally {
    agent.destroy()
  }
  return { seconds: (performance.now() - started) / 1000, latencies: latencies.sort((a, b) => a - b) }
}

/**
 * One NDJSON body, written to the socket as one buffer with `node:http`. The sender runs on the
 * server's two cores, so its CPU is taken from the server: through `fetch` (undici), which streams
 * a body in chunks, the sender used 9.4–10.7 µs of CPU per event, against 4.0–4.5 µs this way
 * (200,000 OTRF events, interleaved runs), and the server took 5–13% more events per second.
 * A shipper (Vector, Fluent Bit) writes its buffer to the socket in the same way.
 */
function postBody(
  url: URL,
  agent: Agent,
  token: string,
  body: Uint8Array,
): Promise<{ status: number; answer: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/x-ndjson',
          'content-length': body.length,
        },
      },
      (response) => {
        let answer = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          answer += chunk
        })
        response.on('end', () => resolve({ status: response.statusCode ?? 0, answer }))
        response.on('error', reject)
      },
    )
    request.on('error', reject)
    request.end(body)
  })
}

async function countEvents(server: Server, token: string, source: string): Promise<number> {
  const response = await fetch(`${server.url}/api/v1/sources/${source}`, {
    headers: { authorization: `Bearer ${token}` },
  })
  return response.status === 200 ? ((await response.json()) as { eventsTotal: number }).eventsTotal : 0
}

/**
 * Syslog frames as a shipper's queue holds them: RFC 5424 lines (JSON payload) encoded once, in
 * blocks of about 64 KB, like the HTTP bodies, so that the sender's CPU per event (the machine's
 * too) is that of writing bytes, not of building each line at send time.
 */
function syslogBlocks(lines: readonly string[]): Buffer[] {
  const blocks: Buffer[] = []
  let block: string[] = []
  let size = 0
  for (const line of lines) {
    const frame = `<14>1 2026-11-22T10:00:00Z bench app - - - ${line}\n`
    block.push(frame)
    size += frame.length
    if (size >= 64 * 1024) {
      blocks.push(Buffer.from(block.join('')))
      block = []
      size = 0
    }
  }
  if (block.length > 0) blocks.push(Buffer.from(block.join('')))
  return blocks
}

async function driveSyslog(
  server: Server,
  token: string,
  port: number,
  blocks: readonly Buffer[],
  events: number,
): Promise<number> {
  const started = performance.now()
  const before = await countEvents(server, token, 'syslog')
  await new Promise<void>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      let index = 0
      const writeMore = () => {
        while (index < blocks.length) {
          const ok = socket.write(blocks[index++]!)
          if (!ok) return socket.once('drain', writeMore)
        }
        socket.end(resolve)
      }
      writeMore()
    })
    socket.on('error', reject)
  })
  while ((await countEvents(server, token, 'syslog')) < before + events)
    await new Promise((resolve) => setTimeout(resolve, 100))
  return (performance.now() - started) / 1000
}

async function syslogPortOf(server: Server): Promise<number | undefined> {
  return server.syslogPort || undefined
}

async function benchEngine(
  name: string,
  args: string[],
  lines: string[],
  bodies: Uint8Array<ArrayBuffer>[],
): Promise<void> {
  const server = await startServer(args, {})
  const token = await engineerToken(server)
  await driveHttp(server, token, bodies.slice(0, 20)) // warm-up (JIT, first partitions)
  if (INPUTS.includes('http')) await benchHttp(name, server, token, bodies)
  const port = await syslogPortOf(server)
  if (port && INPUTS.includes('syslog')) await benchSyslog(name, server, token, port, lines)
  server.child.kill('SIGTERM')
  await new Promise((resolve) => server.child.once('exit', resolve))
}

/** CPU used from now on by the server (all threads, main thread), by PostgreSQL and by this sender. */
function startCpuMeter(engine: string, pid: number): (events: number) => string {
  const server = processCpuSeconds(pid)
  const main = mainThreadCpuSeconds(pid)
  const store = postgresCpuSeconds()
  const sender = process.cpuUsage()
  return (events) => {
    const storeCpu = postgresCpuSeconds() - store
    const senderUsage = process.cpuUsage(sender)
    const serverCpu = processCpuSeconds(pid) - server
    const mainCpu = mainThreadCpuSeconds(pid) - main
    return `server CPU ${microsPerEvent(serverCpu, events)} µs/event (main thread ${microsPerEvent(mainCpu, events)})${postgresShare(engine, storeCpu, events)}, sender CPU ${microsPerEvent((senderUsage.user + senderUsage.system) / 1e6, events)} µs/event`
  }
}

async function benchHttp(
  name: string,
  server: Server,
  token: string,
  bodies: Uint8Array<ArrayBuffer>[],
): Promise<void> {
  const commitsBefore = await commitTotals(server, token)
  const cpu = startCpuMeter(name, server.child.pid!)
  const { seconds, latencies } = await driveHttp(server, token, bodies)
  const events = bodies.length * BATCH
  const usage = cpu(events)
  const rss = peakRssMiB(server.child.pid!)
  console.log(
    `${name.padEnd(10)} HTTP NDJSON: ${Math.round(events / seconds).toLocaleString()} events/s sustained (${events.toLocaleString()} events in ${seconds.toFixed(1)} s), ack latency p50 ${percentile(latencies, 50).toFixed(0)} ms p99 ${percentile(latencies, 99).toFixed(0)} ms per ${BATCH}-event request, ${usage}, server peak RSS ${rss.toFixed(0)} MiB`,
  )
  printCommits(commitsBefore, await commitTotals(server, token), events, seconds)
}

async function benchSyslog(
  name: string,
  server: Server,
  token: string,
  port: number,
  lines: string[],
): Promise<void> {
  const syslogLines = lines.slice(0, SYSLOG_EVENTS)
  const blocks = syslogBlocks(syslogLines)
  const commitsBefore = await commitTotals(server, token)
  const cpu = startCpuMeter(name, server.child.pid!)
  const seconds = await driveSyslog(server, token, port, blocks, syslogLines.length)
  const usage = cpu(syslogLines.length)
  console.log(
    `${name.padEnd(10)} syslog TCP: ${Math.round(syslogLines.length / seconds).toLocaleString()} events/s, ${usage}`,
  )
  printCommits(commitsBefore, await commitTotals(server, token), syslogLines.length, seconds)
}

/**
 * The store alone, in this process: the same events appended as the ingest queue appends them
 * (batches of about 2,000, as many in flight as the store takes), then a checkpoint, which DuckDB
 * would otherwise run later on its own; no HTTP, no parsing. What the store takes per event on
 * this machine bounds what the server can reach, so its rate is printed beside the server's.
 */
async function benchStoreAlone(name: string, options: StoreOptions, events: readonly StoredEvent[]) {
  const store = await openStore(options)
  try {
    const inFlight: Promise<unknown>[] = []
    const pgBefore = postgresCpuSeconds()
    const cpuBefore = process.cpuUsage()
    const started = performance.now()
    for (let start = 0; start < events.length; start += STORE_BATCH) {
      inFlight.push(store.events.append(events.slice(start, start + STORE_BATCH)))
      if (inFlight.length >= store.events.concurrentAppends) await inFlight.shift()
    }
    await Promise.all(inFlight)
    await store.checkpoint()
    const seconds = (performance.now() - started) / 1000
    const cpu = process.cpuUsage(cpuBefore)
    console.log(
      `${name.padEnd(10)} store alone (in-process append + checkpoint, no HTTP, no parsing): ${Math.round(events.length / seconds).toLocaleString()} events/s, CPU ${microsPerEvent((cpu.user + cpu.system) / 1e6, events.length)} µs/event${postgresShare(name, postgresCpuSeconds() - pgBefore, events.length)}`,
    )
  } finally {
    await store.close()
  }
}

/** The server's own commit histogram (seconds spent writing batches, and how many). */
async function commitTotals(server: Server, token: string): Promise<{ seconds: number; count: number }> {
  const text = await (
    await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })
  ).text()
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0)
  return {
    seconds: value('watchfloor_ingest_commit_seconds_sum'),
    count: value('watchfloor_ingest_commit_seconds_count'),
  }
}

/** How the server grouped a phase's events into commits, and how much of the phase it spent writing. */
function printCommits(
  before: { seconds: number; count: number },
  after: { seconds: number; count: number },
  events: number,
  seconds: number,
): void {
  const count = after.count - before.count
  console.log(
    `${''.padEnd(10)} commits: ${count} of ${Math.round(events / Math.max(count, 1)).toLocaleString()} events on average, writing ${((100 * (after.seconds - before.seconds)) / seconds).toFixed(0)}% of the time`,
  )
}

/** PostgreSQL's own processes' CPU per event, beside the server's (DuckDB's is inside the server). */
function postgresShare(engine: string, cpuSeconds: number, events: number): string {
  return engine === 'postgres' ? `, PostgreSQL CPU ${microsPerEvent(cpuSeconds, events)} µs/event` : ''
}

function microsPerEvent(cpuSeconds: number, events: number): string {
  return ((cpuSeconds * 1e6) / events).toFixed(1)
}

async function main(): Promise<void> {
  buildServer()
  process.stdout.write(`loading ${TOTAL_EVENTS.toLocaleString()} OTRF Windows events...\n`)
  const lines = otrfWindowsLines(TOTAL_EVENTS)
  const bytes = lines.reduce((sum, line) => sum + line.length, 0)
  console.log(`${lines.length.toLocaleString()} events, average ${Math.round(bytes / lines.length)} bytes`)

  // The baseline gets the same warm-up the server gets: the best of three passes, not a cold one.
  let parseRate = 0
  let fields = 0
  for (let pass = 0; pass < 3; pass++) {
    const parseStarted = performance.now()
    for (const line of lines) fields += Object.keys(JSON.parse(line) as object).length
    parseRate = Math.max(parseRate, lines.length / ((performance.now() - parseStarted) / 1000))
  }
  console.log(
    `baseline   JSON.parse alone, one process, warm: ${Math.round(parseRate).toLocaleString()} events/s (${fields > 0 ? 'ok' : ''})`,
  )

  // Bodies are encoded once, as a shipper holds bytes: the sender's CPU is the machine's too.
  const encoder = new TextEncoder()
  const bodies: Uint8Array<ArrayBuffer>[] = []
  for (let start = 0; start + BATCH <= lines.length; start += BATCH)
    bodies.push(encoder.encode(lines.slice(start, start + BATCH).join('\n')))

  let stored: StoredEvent[] | undefined = INPUTS.includes('store')
    ? otrfStoredEvents(lines, 'bytes')
    : undefined
  if (stored && ENGINES.includes('duckdb')) {
    const storeDir = mkdtempSync(path.join(tmpdir(), 'wf-bench-store-'))
    try {
      await benchStoreAlone('duckdb', { dataDir: storeDir }, stored)
    } finally {
      rmSync(storeDir, { recursive: true, force: true })
    }
  }
  if (stored && ENGINES.includes('postgres')) {
    const scratch = await createScratchDatabase()
    try {
      await benchStoreAlone('postgres', { databaseUrl: scratch.url, dataDir: tmpdir() }, stored)
    } finally {
      await scratch.drop()
    }
  }
  stored = undefined // 1.2 GB of originals: not kept while the server runs beside this process

  if (ENGINES.includes('duckdb')) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'wf-bench-'))
    try {
      await benchEngine('duckdb', ['--data-dir', dataDir], lines, bodies)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
  if (!ENGINES.includes('postgres')) return

  const { url, drop } = await createScratchDatabase()
  try {
    await benchEngine('postgres', ['--database-url', url], lines, bodies)
  } finally {
    await drop()
  }
}

await main()
