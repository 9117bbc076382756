/**
 * What one automaton found in texts it has already scanned, so that a text seen again is not
 * scanned again. Field values repeat a great deal in security logs: in the OTRF Windows samples,
 * 99% of the characters of `Image`, `SourceImage` and `TargetImage`, 98% of `CallTrace` and 68%
 * of `TargetObject` belong to a value seen before. Only texts up to `maxLength` are kept (long
 * unique texts, a PowerShell script block or a `Message`, would only fill the memo). Texts are
 * kept in two generations, each of at most `maxEntries` texts and `maxChars` characters: when the
 * current one is full it becomes the previous one and the oldest is dropped, so memory stays
 * bounded (about 200 KB per automaton at most) and texts still in use survive: a hit in the
 * previous generation is carried into the current one.
 */
export class ScanMemo {
  #current = new Map<string, Int32Array>()
  #previous = new Map<string, Int32Array>()
  #chars = 0

  constructor(
    /** Longest text kept. */
    readonly maxLength = 512,
    private readonly maxEntries = 1_024,
    private readonly maxChars = 64 * 1_024,
  ) {}

  get(text: string): Int32Array | undefined {
    const found = this.#current.get(text)
    if (found !== undefined) return found
    const old = this.#previous.get(text)
    if (old !== undefined) this.#keep(text, old)
    return old
  }

  set(text: string, values: Int32Array): void {
    this.#keep(text, values)
  }

  #keep(text: string, values: Int32Array): void {
    if (this.#current.size >= this.maxEntries || this.#chars + text.length > this.maxChars) {
      this.#previous = this.#current
      this.#current = new Map()
      this.#chars = 0
    }
    this.#current.set(text, values)
    this.#chars += text.length
  }
}
