/**
 * What one automaton found in texts it has already scanned, so that a text seen again is not
 * scanned again. Field values repeat a great deal in security logs: in the OTRF Windows samples,
 * 99% of the characters of `Image`, `SourceImage` and `TargetImage`, 98% of `CallTrace` and 68%
 * of `TargetObject` belong to a value seen before, and 99% of the characters of PowerShell's
 * `ContextInfo` belong to a line seen before (the caller memoizes long texts line by line).
 *
 * A lookup must cost less than the scan it saves, so it does not hash the whole text (a `Map`
 * would: about 1.6 ns per character, more than the scan of a short text): the slot comes from the
 * length and sampled characters (every fourth of a long text: near-identical
 * call traces differ in one hexadecimal offset), and the text kept there is compared with `===`, a memory
 * compare. Texts with the same fingerprint (call traces that differ in one offset) share a set
 * of four slots; they only evict each other, and a wrong answer is impossible. Short texts and long ones (up to `maxLength`) have
 * separate tables, so a stream of long unique texts (script blocks) does not push out the short
 * ones. All the memos of a detector share a budget of characters (MemoBudget), so memory stays
 * bounded whatever the events.
 */
export class ScanMemo {
  readonly #short: MemoTable
  readonly #long: MemoTable
  /** Longest text kept. */
  readonly maxLength: number
  readonly #shortLength: number

  constructor(options: ScanMemoOptions = {}) {
    const budget = options.budget ?? new MemoBudget()
    this.maxLength = options.maxLength ?? 16 * 1_024
    this.#shortLength = options.shortLength ?? 1_024
    this.#short = new MemoTable(options.shortSlots ?? 4_096, budget)
    this.#long = new MemoTable(options.longSlots ?? 64, budget)
  }

  get(text: string): Int32Array | undefined {
    return (text.length <= this.#shortLength ? this.#short : this.#long).get(text)
  }

  /** Keeps `text` (if not longer than `maxLength`); it must not be a slice of a larger string. */
  set(text: string, values: Int32Array): void {
    if (text.length > this.maxLength) return
    ;(text.length <= this.#shortLength ? this.#short : this.#long).set(text, values)
  }
}

export interface ScanMemoOptions {
  /** Shared with the other memos of a detector. */
  budget?: MemoBudget
  maxLength?: number
  /** Longest text kept in the table of short texts. */
  shortLength?: number
  shortSlots?: number
  longSlots?: number
}

/**
 * The characters all the memos of one detector may hold together. A memo over budget evicts its
 * own texts, so the fields whose texts repeat (a process's `CallTrace`, about 1,100 distinct
 * values of 570 characters in the OTRF samples) keep what most others never need.
 */
export class MemoBudget {
  used = 0
  constructor(readonly maxChars = 16 * 1_024 * 1_024) {}
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
  /** Fingerprint of the last long text not kept, by slot: kept when it comes again. */
  readonly #seenOnce: Int32Array
  readonly #mask: number
  #chars = 0
  #hand = 0

  constructor(
    slots: number,
    private readonly budget: MemoBudget,
  ) {
    const size = 2 ** Math.ceil(Math.log2(Math.max(WAY_MASK + 1, slots)))
    this.#texts = new Array<string | undefined>(size).fill(undefined)
    this.#values = new Array<Int32Array | undefined>(size).fill(undefined)
    this.#used = new Uint8Array(size)
    this.#seenOnce = new Int32Array(size)
    this.#mask = size - 1
  }

  get(text: string): Int32Array | undefined {
    const first = fingerprint(text) & this.#mask & ~WAY_MASK
    const texts = this.#texts
    for (let slot = first; slot <= first + WAY_MASK; slot++) {
      if (texts[slot] === text) {
        this.#used[slot] = 1
        return this.#values[slot]
      }
    }
    return undefined
  }

  /**
   * Into a free slot of its set, or in place of one not read since it was kept (else of one
   * chosen by the text's hash). A long text is kept the second time it comes (most long texts,
   * a `Message` or a script block, never come again and would only take the budget). Over
   * budget, this table's own texts are evicted; with none left, the text is not kept.
   */
  set(text: string, values: Int32Array): void {
    const hash = fingerprint(text)
    const first = hash & this.#mask & ~WAY_MASK
    if (text.length > ADMITTED_LENGTH && this.#seenOnce[first] !== hash) {
      this.#seenOnce[first] = hash
      return
    }
    const slot = this.#victim(first, hash)
    this.#drop(slot)
    while (this.budget.used + text.length > this.budget.maxChars) {
      if (this.#chars === 0) return
      this.#advanceHand()
    }
    this.#texts[slot] = text
    this.#values[slot] = values
    this.#used[slot] = 0
    this.#chars += text.length
    this.budget.used += text.length
  }

  #victim(first: number, hash: number): number {
    for (let slot = first; slot <= first + WAY_MASK; slot++) if (this.#texts[slot] === undefined) return slot
    for (let slot = first; slot <= first + WAY_MASK; slot++) if (this.#used[slot] === 0) return slot
    return first + ((hash >>> 24) & WAY_MASK)
  }

  #advanceHand(): void {
    const hand = this.#hand
    if (this.#used[hand] === 1) this.#used[hand] = 0
    else this.#drop(hand)
    this.#hand = (hand + 1) & this.#mask
  }

  #drop(slot: number): void {
    const length = this.#texts[slot]?.length ?? 0
    this.#chars -= length
    this.budget.used -= length
    this.#texts[slot] = undefined
    this.#values[slot] = undefined
  }
}

/** Slots per set (minus one): a text is looked for in the four slots of its set. */
const WAY_MASK = 3

/** Longer texts are kept only when seen twice (see MemoTable.set). */
const ADMITTED_LENGTH = 256

/** Texts up to this length are sampled at SHORT_SAMPLES points; longer ones at every fourth character. */
const SAMPLED_LENGTH = 256
const SHORT_SAMPLES = 16
const LONG_STEP = 4

/** A hash of a text's length and sampled characters, besides its last four. */
export function fingerprint(text: string): number {
  const length = text.length
  let hash = Math.imul(length, 0x9e3779b1)
  const step = length <= SAMPLED_LENGTH ? Math.floor(length / SHORT_SAMPLES) + 1 : LONG_STEP
  for (let index = 0; index < length - 4; index += step) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x85ebca6b)
  }
  for (let index = Math.max(0, length - 4); index < length; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0xc2b2ae35)
  }
  return hash ^ (hash >>> 15)
}
