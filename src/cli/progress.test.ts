import { PassThrough } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { formatBytes, formatSeconds, ProgressReporter } from './progress.js'

const ESCAPE = String.fromCharCode(0x1b)

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough()
  const chunks: Buffer[] = []
  stream.on('data', (chunk: Buffer) => chunks.push(chunk))
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') }
}

describe('progress reporter, not on a terminal', () => {
  it('prints a plain line per interval and a summary at the end, never redraw codes', async () => {
    const output = capture()
    const reporter = new ProgressReporter({ stream: output.stream, label: 'scan', plainIntervalMs: 40 })
    const total = 10 * 1024 * 1024
    for (let step = 1; step <= 10; step += 1) {
      reporter.update({ bytesDone: (step * total) / 10, bytesTotal: total, file: 'a.json' })
      reporter.addRecords(1000)
      await sleep(25)
    }
    reporter.finish()
    const lines = output.text().split('\n').filter(Boolean)
    // Ten updates 25 ms apart with a 40 ms interval: about one line per two updates, plus the summary.
    expect(lines.length).toBeGreaterThanOrEqual(3)
    expect(lines.length).toBeLessThanOrEqual(7)
    const progressLines = lines.slice(0, -1)
    for (const line of progressLines) {
      expect(line).toMatch(
        /^scan: \d+\.\d% {2}[\d.]+ MiB \/ 10\.0 MiB {2}[\d,]+ records {2}[\d,]+ records\/s {2}ETA /,
      )
    }
    expect(lines.at(-1)).toMatch(
      /^scan: 10,000 records, 10\.0 MiB in \d+\.\d s \([\d,]+ records\/s, [\d.]+ MiB\/s\)$/,
    )
    expect(output.text()).not.toContain('\r')
    expect(output.text()).not.toContain(ESCAPE)
  })

  it('says nothing before the first interval has passed, then only the summary', () => {
    const output = capture()
    const reporter = new ProgressReporter({ stream: output.stream, label: 'import' })
    reporter.update({ bytesDone: 5, bytesTotal: 10 })
    reporter.addRecords(3)
    reporter.finish('import: done')
    reporter.update({ bytesDone: 10, bytesTotal: 10 })
    expect(output.text()).toBe('import: done\n')
  })
})

describe('progress reporter, on a terminal', () => {
  it('redraws one line in place, at most once per redraw interval, and clears it for the summary', () => {
    const output = capture()
    const reporter = new ProgressReporter({ stream: output.stream, tty: true, label: 'scan' })
    for (let step = 0; step <= 1000; step += 1) reporter.update({ bytesDone: step, bytesTotal: 1000 })
    reporter.finish()
    const text = output.text()
    // A thousand updates within a few milliseconds: a single redraw, then the summary.
    expect(text.split('\r').length - 1).toBe(2)
    expect(text).toMatch(/^\rscan [█░]{24} 0\.0%/)
    expect(text).toContain(`\r${ESCAPE}[Kscan: 0 records, 1000 B in `)
    expect(text.endsWith('\n')).toBe(true)
  })
})

describe('formatting', () => {
  it('writes bytes in binary units and durations as seconds or clock time', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB')
    expect(formatSeconds(4.25)).toBe('4.3 s')
    expect(formatSeconds(125)).toBe('2:05')
    expect(formatSeconds(3725)).toBe('1:02:05')
  })
})
