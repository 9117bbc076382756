/** Bytes read so far over every input, for a progress bar. */
export interface ReadProgress {
  /** Bytes of the files on disk consumed so far (compressed bytes for archives). */
  bytesDone: number
  /** Sum of the sizes of every file found when the walk started. */
  bytesTotal: number
  /** The file being read. */
  file: string
}

export type ProgressListener = (progress: Readonly<ReadProgress>) => void

/** Counts consumed bytes and tells the listener; one instance per `readEventFiles` call. */
export class ProgressCounter {
  private readonly state: ReadProgress

  constructor(
    bytesTotal: number,
    private readonly listener: ProgressListener | undefined,
  ) {
    this.state = { bytesDone: 0, bytesTotal, file: '' }
  }

  startFile(file: string): void {
    this.state.file = file
    this.listener?.(this.state)
  }

  advance(bytes: number): void {
    if (bytes === 0) return
    this.state.bytesDone += bytes
    this.listener?.(this.state)
  }

  get bytesDone(): number {
    return this.state.bytesDone
  }
}
