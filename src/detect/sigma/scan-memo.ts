/**
 * What one automaton found in texts it has already scanned, so that a text seen again is not
 * scanned again. Field values repeat a great deal in security logs: in the OTRF Windows samples,
 * 99% of the characters of `Image`, `SourceImage` and `TargetImage`, 98% of `CallTrace` and 68%
 * of `TargetObject` belong to a value seen before, and 99% of the characters of PowerShell's
 * `ContextInfo` belong to a line seen before (the caller memoizes long texts line by line).
 *
 * A lookup must cost less than the scan it saves, so it does not hash the whole text (a `Map`
 * would: about 1.6 ns per character, more than the scan of a short text): the slot comes from the
 * length and a few sampled characters, and the text kept there is compared with `===`, a memory
 * compare. Two texts sharing a slot only evict each other (each slot has a neighbour, so two can
 * alternate); a wrong answer is impossible. Short texts and long ones (up to `maxLength`) have
 * separate tables, so a stream of long unique texts (script blocks) does not push out the short
 * ones. Each table holds at most its number of slots and of characters, so memory stays bounded
 * (about 200 KB per automaton at most).
 */
export class ScanMemo {
  readonly #short: MemoTable
  readonly #long: MemoTable

  constructor(
    /** Longest text kept. */
    readonly maxLength = 16 * 1_024,
    /** Longest text kept in the table of short texts. */
    private readonly shortLength = 512,
    shortSlots = 2_048,
    shortChars = 64 * 1_024,
    longSlots = 64,
    longChars = 128 * 1_024,
  ) {
    this.#short = new MemoTable(shortSlots, shortChars)
    this.#long = new MemoTable(longSlots, longChars)
  }

  get(text: string): Int32Array | undefined {
    return (text.length <= this.shortLength ? this.#short : this.#long).get(text)
  }

  /** Keeps `text` (if not longer than `maxLength`); it must not be a slice of a larger string. */
  set(text: string, values: Int32Array): void {
    if (text.length > this.maxLength) return
    ;(text.length <= this.shortLength ? this.#short : this.#long).set(text, values)
  }
}

/**
 * A table of slots by sampled fingerprint, in pairs (see ScanMemo). When its characters would
 * overflow, a clock hand goes round the slots dropping texts not read since it last passed (a
 * stream of unique texts then evicts mostly its own, not the texts in use).
 */
class MemoTable {
  readonly #texts: Array<string | undefined>
  readonly #values: Array<Int32Array | undefined>
  readonly #used: Uint8Array
  readonly #mask: number
  #chars = 0
  #hand = 0

  constructor(
    slots: number,
    private readonly maxChars: number,
  ) {
    const size = 2 ** Math.ceil(Math.log2(Math.max(2, slots)))
    this.#texts = new Array<string | undefined>(size).fill(undefined)
    this.#values = new Array<Int32Array | undefined>(size).fill(undefined)
    this.#used = new Uint8Array(size)
    this.#mask = size - 1
  }

  get(text: string): Int32Array | undefined {
    const slot = fingerprint(text) & this.#mask
    if (this.#texts[slot] === text) {
      this.#used[slot] = 1
      return this.#values[slot]
    }
    const neighbour = slot ^ 1
    if (this.#texts[neighbour] === text) {
      this.#used[neighbour] = 1
      return this.#values[neighbour]
    }
    return undefined
  }

  /** Into its slot; what was there moves to the neighbour slot, whose text is dropped. */
  set(text: string, values: Int32Array): void {
    if (text.length > this.maxChars) return
    const slot = fingerprint(text) & this.#mask
    const neighbour = slot ^ 1
    this.#drop(neighbour)
    this.#move(slot, neighbour)
    while (this.#chars + text.length > this.maxChars) this.#advanceHand()
    this.#texts[slot] = text
    this.#values[slot] = values
    this.#used[slot] = 0
    this.#chars += text.length
  }

  #advanceHand(): void {
    const hand = this.#hand
    if (this.#used[hand] === 1) this.#used[hand] = 0
    else this.#drop(hand)
    this.#hand = (hand + 1) & this.#mask
  }

  #move(from: number, to: number): void {
    this.#texts[to] = this.#texts[from]
    this.#values[to] = this.#values[from]
    this.#used[to] = this.#used[from]!
    this.#texts[from] = undefined
    this.#values[from] = undefined
  }

  #drop(slot: number): void {
    this.#chars -= this.#texts[slot]?.length ?? 0
    this.#texts[slot] = undefined
    this.#values[slot] = undefined
  }
}

/** Characters sampled per text, spread over it, besides its length and its last four. */
const SAMPLES = 12

/** A hash of a text's length and some of its characters: constant time, whatever its length. */
export function fingerprint(text: string): number {
  const length = text.length
  let hash = Math.imul(length, 0x9e3779b1)
  const step = Math.floor(length / SAMPLES) + 1
  for (let index = 0; index < length - 4; index += step) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x85ebca6b)
  }
  for (let index = Math.max(0, length - 4); index < length; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0xc2b2ae35)
  }
  return hash ^ (hash >>> 15)
}
