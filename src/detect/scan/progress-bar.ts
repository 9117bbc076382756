import type { ReadProgress } from '../../ingest/files/read-progress.js'

/** A one-line progress bar on stderr (only on a terminal), redrawn at most ten times a second. */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): {
  update(progress: Readonly<ReadProgress>, events: number): void
  done(): void
} {
  let last = 0
  let drawn = false
  return {
    update(progress, events) {
      if (!stream.isTTY) return
      const now = Date.now()
      if (now - last < 100) return
      last = now
      const share = progress.bytesTotal === 0 ? 1 : Math.min(1, progress.bytesDone / progress.bytesTotal)
      const width = 30
      const filled = Math.round(share * width)
      const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`
      stream.write(
        `\r[${bar}] ${(share * 100).toFixed(0).padStart(3)}%  ${events} events  ${progress.file.slice(-40)}\x1b[K`,
      )
      drawn = true
    },
    done() {
      if (drawn) stream.write('\r\x1b[K')
    },
  }
}
