/**
 * Aho–Corasick automaton compiled to a dense transition table, used as a literal pre-filter: one
 * pass over a field's original text reports every rule whose required (lowercase) literal occurs
 * in its lowercase form. ASCII letters are folded to lowercase and every code unit ≥ 128 shares
 * one symbol, so a scan can only report too much, never miss; every report is confirmed by the
 * rule's own matcher.
 *
 * The table is kept small because a scan's cost is its cache misses (the process-creation
 * CommandLine automaton had 58,000 states × 128 columns, 30 MiB, and a miss per character):
 * - only the last MAX_INDEXED characters of a literal are indexed (finding them is still
 *   necessary for the literal; the end of a path or switch is rarer in events than its start,
 *   `c:\windows\system32\tasks\` vs `c:\windows\syste`);
 * - columns are the symbols the literals use (one shared column for all others);
 * - states with outputs are numbered last, so the scan tests `state >= firstOutput` instead of
 *   loading an output range for every character; transitions hold row offsets, not numbers.
 */
const ALPHABET = 128
const OTHER = 127
const FOLD = new Uint8Array(65_536).fill(OTHER)
for (let code = 0; code < ALPHABET; code++) FOLD[code] = code >= 65 && code <= 90 ? code + 32 : code
/**
 * Non-ASCII characters whose lowercase form has ASCII letters (İ → i̇, K → k): met in a text, the
 * scan starts over on its lowercase form (found in the loop rather than by a regex run per text).
 */
const LOWERS_TO_ASCII = 255
FOLD[0x130] = LOWERS_TO_ASCII
FOLD[0x212a] = LOWERS_TO_ASCII
/** Characters of a literal that are indexed (its suffix). */
export const MAX_INDEXED = 16
/** Shortest text scanned as two interleaved halves (see `scanTwoStreams`). */
export const TWO_STREAM_LENGTH = 64

export class LiteralAutomaton {
  /**
   * Column of each ASCII code (folded): the scan's one lookup per character. Codes ≥ 128 take
   * `otherColumn`, but for the LOWERS_TO_ASCII ones (see `columnOf`).
   */
  private readonly asciiColumns: Uint8Array
  private readonly otherColumn: number
  /** Row offset of the next state, by row offset of the state + column. */
  private readonly transitions: Int32Array
  /** Row offset of the first state with outputs (all later states have some). */
  private readonly firstOutput: number
  private readonly width: number
  /** Values reported in state number s: outputValues[outputStart[s - firstState] … +1). */
  private readonly outputStart: Int32Array
  private readonly outputValues: Int32Array
  /** Values of empty literals: found in every text. */
  private readonly always: Int32Array

  constructor(literals: ReadonlyArray<{ literal: string; value: number }>) {
    const indexed = literals.map(({ literal, value }) => ({ literal: literal.slice(-MAX_INDEXED), value }))
    // Indexed by FOLD values: LOWERS_TO_ASCII (255) included, in the column of unused symbols.
    const columns = new Uint8Array(256)
    let width = 1
    let maxStates = 1
    for (const { literal } of indexed) {
      maxStates += literal.length
      for (let index = 0; index < literal.length; index++) {
        const symbol = FOLD[literal.charCodeAt(index)]!
        if (columns[symbol] === 0) columns[symbol] = width++
      }
    }
    // The trie, then the automaton, in one dense table by state number (row state * width): a
    // trie edge never leads back to the root, so 0 means "no edge" until a row is completed.
    // (Maps per state made building the process-creation automata take 300 ms per rule group.)
    // Sized for the states suffixes of SigmaHQ literals share (about 40%), grown when short:
    // zeroing room for every character of every literal cost more than the build.
    let next = new Int32Array(Math.min(maxStates, 1024 + (maxStates >> 1)) * width)
    // Values reported in a state: outputs[outputOf[state]] (-1: none). Typed arrays, as a sparse
    // array indexed by state number falls back to a dictionary and made the build 10× slower.
    const outputOf = new Int32Array(maxStates).fill(-1)
    const outputs: number[][] = []
    const always: number[] = []
    let count = 1
    for (const { literal, value } of indexed) {
      if (literal === '') {
        always.push(value)
        continue
      }
      let state = 0
      for (let index = 0; index < literal.length; index++) {
        const slot = state * width + columns[FOLD[literal.charCodeAt(index)]!]!
        if (next[slot] === 0) {
          if (count * width === next.length) next = grown(next, Math.min(maxStates * width, next.length * 2))
          next[slot] = count++
        }
        state = next[slot]!
      }
      if (outputOf[state] === -1) outputOf[state] = outputs.push([]) - 1
      outputs[outputOf[state]!]!.push(value)
    }
    // Breadth first, each state's row is completed from its failure state's, which is shallower
    // and so already complete; outputs are merged along failure links the same way.
    const fail = new Int32Array(count)
    const queue = new Int32Array(count)
    let tail = 0
    for (let column = 0; column < width; column++) if (next[column] !== 0) queue[tail++] = next[column]!
    for (let head = 0; head < tail; head++) {
      const state = queue[head]!
      const failRow = fail[state]! * width
      const inherited = outputOf[fail[state]!]!
      if (inherited !== -1) {
        if (outputOf[state] === -1) outputOf[state] = inherited
        else outputs[outputOf[state]!] = [...outputs[outputOf[state]!]!, ...outputs[inherited]!]
      }
      const row = state * width
      for (let column = 0; column < width; column++) {
        const target = next[row + column]!
        if (target === 0) {
          next[row + column] = next[failRow + column]!
        } else {
          fail[target] = next[failRow + column]!
          queue[tail++] = target
        }
      }
    }
    // New numbers: the root stays 0, states without outputs next, states with outputs last.
    const numbers = new Int32Array(count)
    let assigned = 1
    for (let state = 1; state < count; state++) if (outputOf[state] === -1) numbers[state] = assigned++
    const firstOutputState = assigned
    for (let state = 1; state < count; state++) if (outputOf[state] !== -1) numbers[state] = assigned++
    const transitions = new Int32Array(count * width)
    for (let state = 0; state < count; state++) {
      const from = state * width
      const row = numbers[state]! * width
      for (let column = 0; column < width; column++)
        transitions[row + column] = numbers[next[from + column]!]! * width
    }
    const outputCount = count - firstOutputState
    // States with outputs were numbered in state order: the k-th of them is number firstOutputState + k.
    // Their values are deduplicated here, once (merging along failure links may repeat some).
    const outputStart = new Int32Array(outputCount + 1)
    const values: number[] = []
    let index = 0
    for (let state = 1; state < count; state++) {
      if (outputOf[state] === -1) continue
      outputStart[index++] = values.length
      for (const value of new Set(outputs[outputOf[state]!]!)) values.push(value)
    }
    outputStart[outputCount] = values.length
    this.asciiColumns = new Uint8Array(ALPHABET)
    for (let code = 0; code < ALPHABET; code++) this.asciiColumns[code] = columns[FOLD[code]!]!
    this.otherColumn = columns[OTHER]!
    this.width = width
    this.transitions = transitions
    this.firstOutput = firstOutputState * width
    this.outputStart = outputStart
    this.outputValues = Int32Array.from(values)
    this.always = Int32Array.from(new Set(always))
  }

  /** Calls `report` for the value of every literal found in `text` (possibly more than once). */
  scan(text: string, report: (value: number) => void): void {
    for (let index = 0; index < this.always.length; index++) report(this.always[index]!)
    if (!this.scanFolded(text, report)) this.scanFolded(text.toLowerCase(), report)
  }

  /** Scans `text` with ASCII folding; false (after reporting part of it) at a LOWERS_TO_ASCII character. */
  private scanFolded(text: string, report: (value: number) => void): boolean {
    const length = text.length
    if (length < TWO_STREAM_LENGTH) return this.scanRange(text, 0, length, 0, report) >= 0
    return this.scanTwoStreams(text, report)
  }

  /** Scans text[start, end) from `state`: the state reached, or -1 at a LOWERS_TO_ASCII character. */
  private scanRange(
    text: string,
    start: number,
    end: number,
    state: number,
    report: (value: number) => void,
  ): number {
    const transitions = this.transitions
    const ascii = this.asciiColumns
    const firstOutput = this.firstOutput
    for (let index = start; index < end; index++) {
      const code = text.charCodeAt(index)
      const column = code < ALPHABET ? ascii[code]! : this.columnOf(code)
      if (column < 0) return -1
      state = transitions[state + column]!
      if (state >= firstOutput) this.reportState(state, report)
    }
    return state
  }

  /** Column of a code ≥ 128: the shared one, or -1 for a LOWERS_TO_ASCII character. */
  private columnOf(code: number): number {
    return FOLD[code] === LOWERS_TO_ASCII ? -1 : this.otherColumn
  }

  /**
   * A long text as two halves scanned in one loop: each step's table load depends on the one
   * before, so one chain of steps waits on memory; two independent chains overlap their waits.
   * The second half starts MAX_INDEXED - 1 characters early, from the root, so that it sees the
   * whole indexed suffix of every literal ending in it (a literal ending at the border may be
   * reported twice, which is harmless).
   */
  private scanTwoStreams(text: string, report: (value: number) => void): boolean {
    const transitions = this.transitions
    const ascii = this.asciiColumns
    const firstOutput = this.firstOutput
    const length = text.length
    const middle = length >> 1
    let first = 0
    let second = middle - (MAX_INDEXED - 1)
    let firstState = 0
    let secondState = 0
    // The second stream is the longer one: after the first ends, it finishes alone.
    while (first < middle) {
      const firstCode = text.charCodeAt(first++)
      const secondCode = text.charCodeAt(second++)
      let firstColumn: number
      let secondColumn: number
      if ((firstCode | secondCode) < ALPHABET) {
        firstColumn = ascii[firstCode]!
        secondColumn = ascii[secondCode]!
      } else {
        firstColumn = firstCode < ALPHABET ? ascii[firstCode]! : this.columnOf(firstCode)
        secondColumn = secondCode < ALPHABET ? ascii[secondCode]! : this.columnOf(secondCode)
        if (firstColumn < 0 || secondColumn < 0) return false
      }
      firstState = transitions[firstState + firstColumn]!
      secondState = transitions[secondState + secondColumn]!
      if (firstState >= firstOutput) this.reportState(firstState, report)
      if (secondState >= firstOutput) this.reportState(secondState, report)
    }
    return this.scanRange(text, second, length, secondState, report) >= 0
  }

  private reportState(state: number, report: (value: number) => void): void {
    const number = (state - this.firstOutput) / this.width
    const end = this.outputStart[number + 1]!
    for (let index = this.outputStart[number]!; index < end; index++) report(this.outputValues[index]!)
  }
}

/** A copy of `table` with room for `length` entries. */
function grown(table: Int32Array<ArrayBuffer>, length: number): Int32Array<ArrayBuffer> {
  const copy = new Int32Array(length)
  copy.set(table)
  return copy
}
