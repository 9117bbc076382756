import type { Writable } from 'node:stream'

/** What a long CLI job reports: bytes over a known total, and records counted by the caller. */
export interface ProgressUpdate {
  bytesDone: number
  bytesTotal: number
  file?: string | undefined
}

export interface ProgressReporterOptions {
  /** Where to draw; stderr by default so that stdout stays clean for results. */
  stream?: Writable & { isTTY?: boolean; columns?: number }
  /** Redraw one line in place (a terminal) or print plain lines (a log, a pipe). Default: the stream's `isTTY`. */
  tty?: boolean
  /** What is being done, at the start of every line ("scan", "import"). */
  label?: string
  /** Time between plain lines when not on a terminal (default 5 s). */
  plainIntervalMs?: number
  /** Time between redraws on a terminal (default 100 ms, about ten a second). */
  redrawIntervalMs?: number
}

const BAR_WIDTH = 24

/**
 * A progress line for long CLI work. On a terminal: one line redrawn at most ten times a second
 * (bar, percent, bytes, records/s, ETA). Elsewhere: a plain line every few seconds. `finish()`
 * prints the summary either way.
 */
export class ProgressReporter {
  private readonly stream: Writable & { isTTY?: boolean; columns?: number }
  private readonly tty: boolean
  private readonly label: string
  private readonly interval: number
  private readonly startedAt = performance.now()
  private lastDrawAt = Number.NEGATIVE_INFINITY
  private drawn = false
  private bytesDone = 0
  private bytesTotal = 0
  private file = ''
  private recordCount = 0
  private finished = false

  constructor(options: ProgressReporterOptions = {}) {
    this.stream = options.stream ?? process.stderr
    this.tty = options.tty ?? this.stream.isTTY === true
    this.label = options.label ?? 'progress'
    this.interval = this.tty ? (options.redrawIntervalMs ?? 100) : (options.plainIntervalMs ?? 5000)
    // The first plain line comes after one interval, not at once.
    if (!this.tty) this.lastDrawAt = this.startedAt
  }

  /** Takes a byte position (pass it straight as a reader's `onProgress`). */
  update(progress: ProgressUpdate): void {
    this.bytesDone = progress.bytesDone
    this.bytesTotal = progress.bytesTotal
    if (progress.file !== undefined) this.file = progress.file
    this.maybeDraw()
  }

  /** Counts records done (call once per batch). */
  addRecords(count: number): void {
    this.recordCount += count
    this.maybeDraw()
  }

  get records(): number {
    return this.recordCount
  }

  /** Clears the live line and prints the summary; later updates are ignored. */
  finish(summary?: string): void {
    if (this.finished) return
    this.finished = true
    const seconds = this.elapsedSeconds()
    const line =
      summary ??
      `${this.label}: ${formatCount(this.recordCount)} records, ${formatBytes(this.bytesDone)} in ${formatSeconds(seconds)}` +
        ` (${formatCount(rate(this.recordCount, seconds))} records/s, ${formatBytes(rate(this.bytesDone, seconds))}/s)`
    this.stream.write(`${this.tty && this.drawn ? '\r\x1b[K' : ''}${line}\n`)
  }

  private maybeDraw(): void {
    if (this.finished) return
    const now = performance.now()
    if (now - this.lastDrawAt < this.interval) return
    this.lastDrawAt = now
    this.drawn = true
    if (this.tty) this.stream.write(`\r${this.fit(this.ttyLine())}\x1b[K`)
    else this.stream.write(`${this.plainLine()}\n`)
  }

  private ttyLine(): string {
    const fraction = this.fraction()
    const filled = Math.round(fraction * BAR_WIDTH)
    const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`
    return `${this.label} ${bar} ${this.figures()}${this.file ? `  ${this.file}` : ''}`
  }

  private plainLine(): string {
    return `${this.label}: ${this.figures()}`
  }

  private figures(): string {
    const seconds = this.elapsedSeconds()
    const eta = this.etaSeconds(seconds)
    return (
      `${(this.fraction() * 100).toFixed(1)}%  ${formatBytes(this.bytesDone)} / ${formatBytes(this.bytesTotal)}` +
      `  ${formatCount(this.recordCount)} records  ${formatCount(rate(this.recordCount, seconds))} records/s` +
      `  ETA ${eta === undefined ? '--' : formatSeconds(eta)}`
    )
  }

  /** Keeps the redrawn line within the terminal so that it never wraps. */
  private fit(line: string): string {
    const width = this.stream.columns
    if (width === undefined || line.length < width) return line
    return `${line.slice(0, Math.max(0, width - 2))}…`
  }

  private fraction(): number {
    return this.bytesTotal > 0 ? Math.min(1, this.bytesDone / this.bytesTotal) : 0
  }

  private elapsedSeconds(): number {
    return (performance.now() - this.startedAt) / 1000
  }

  private etaSeconds(elapsed: number): number | undefined {
    if (this.bytesDone <= 0 || elapsed <= 0) return undefined
    return (this.bytesTotal - this.bytesDone) / (this.bytesDone / elapsed)
  }
}

function rate(amount: number, seconds: number): number {
  return seconds > 0 ? amount / seconds : 0
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

function formatCount(count: number): string {
  return Math.round(count).toLocaleString('en-US')
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  const whole = Math.round(seconds)
  const hours = Math.floor(whole / 3600)
  const minutes = Math.floor((whole % 3600) / 60)
  const rest = String(whole % 60).padStart(2, '0')
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`
}
