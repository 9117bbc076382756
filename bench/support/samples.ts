import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import type { StoredEvent } from '../../src/core/event.js'

export const DATA_DIR = path.resolve(
  process.env.WATCHFLOOR_TEST_DATA ?? path.join(process.cwd(), '..', 'shared', 'data'),
)

function zipsUnder(dir: string): string[] {
  const found: string[] = []
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry)
    if (statSync(full).isDirectory()) found.push(...zipsUnder(full))
    else if (entry.endsWith('.zip')) found.push(full)
  }
  return found.sort()
}

/** Real Windows events (OTRF, flat agent JSON): up to `limit` lines from the Windows datasets. */
export function otrfWindowsLines(limit: number): string[] {
  const root = path.join(DATA_DIR, 'samples', 'otrf', 'datasets')
  const lines: string[] = []
  for (const zip of zipsUnder(root).filter(
    (file) => file.includes(`${path.sep}windows${path.sep}`) || file.includes('compound'),
  )) {
    const text = execFileSync('unzip', ['-p', zip], { maxBuffer: 1024 * 1024 * 1024 }).toString('utf8')
    for (const line of text.split('\n')) {
      const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line
      if (isJsonObjectLine(trimmed)) lines.push(trimmed)
      if (lines.length >= limit) return lines
    }
  }
  return lines
}

/**
 * OTRF lines as the event store receives them, with the typed columns a Windows parser fills.
 * `bytes` keeps each original as UTF-8 bytes (as the ingest path hands them over), else as text.
 */
export function otrfStoredEvents(
  lines: readonly string[],
  original: 'text' | 'bytes' = 'text',
): StoredEvent[] {
  const receivedAt = new Date()
  return lines.map((line) => {
    const event = JSON.parse(line) as Record<string, unknown>
    const time = new Date(String(event['@timestamp'] ?? ''))
    return {
      timestamp: Number.isNaN(time.getTime()) ? receivedAt : time,
      receivedAt,
      source: 'otrf',
      dataset: 'windows',
      eventCode: event.EventID === undefined ? null : String(event.EventID),
      hostName: typeof event.Hostname === 'string' ? event.Hostname : null,
      userName: null,
      sourceIp: null,
      destinationIp: null,
      processName: typeof event.Image === 'string' ? event.Image : null,
      processCommandLine: typeof event.CommandLine === 'string' ? event.CommandLine : null,
      ...(original === 'bytes' ? { originalBytes: Buffer.from(line) } : { originalJson: line }),
    }
  })
}

/** A few OTRF archives hold binary or truncated lines; they are left out of the measurements. */
export function isJsonObjectLine(line: string): boolean {
  if (!line.startsWith('{')) return false
  try {
    return typeof JSON.parse(line) === 'object'
  } catch {
    return false
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

export function peakRssMiB(pid: number): number {
  try {
    const status = execFileSync('cat', [`/proc/${pid}/status`]).toString()
    const match = /VmHWM:\s+(\d+) kB/.exec(status)
    return match ? Number(match[1]) / 1024 : 0
  } catch {
    return 0
  }
}

/**
 * CPU seconds (user + system) a process has used so far, all its threads included: the server's
 * cost per event, which a busy shared machine disturbs far less than events per wall second.
 */
export function processCpuSeconds(pid: number): number {
  return cpuSecondsOf(`/proc/${pid}/stat`)
}

/** CPU seconds of a process's main thread alone: the one thread every request passes through. */
export function mainThreadCpuSeconds(pid: number): number {
  return cpuSecondsOf(`/proc/${pid}/task/${pid}/stat`)
}

function cpuSecondsOf(statFile: string): number {
  try {
    const stat = readFileSync(statFile, 'utf8')
    // Fields after the command name (which may hold spaces) start at its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
  } catch {
    return 0
  }
}

/**
 * CPU seconds used so far by every PostgreSQL process on this machine (the server's backends
 * write what the ingest path sends, and their cost per event is part of the store's), with that
 * of backends that have exited (counted in their parent's children's times).
 */
export function postgresCpuSeconds(): number {
  let total = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      if (!stat.includes('(postgres)')) continue
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      total += fields.slice(11, 15).reduce((sum, field) => sum + Number(field), 0) / CLOCK_TICKS
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return total
}

/** USER_HZ: Linux reports process times in hundredths of a second on every common platform. */
const CLOCK_TICKS = 100
