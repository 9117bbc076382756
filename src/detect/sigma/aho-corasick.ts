/**
 * Aho–Corasick automaton compiled to a dense transition table, used as a literal pre-filter: one
 * pass over a field's original text reports every rule whose required (lowercase) literal occurs
 * in its lowercase form. ASCII letters are folded to lowercase and every code unit ≥ 128 shares
 * one symbol, so a scan can only report too much, never miss; every report is confirmed by the
 * rule's own matcher.
 */
const ALPHABET = 128
const OTHER = 127
const FOLD = new Uint8Array(65_536).fill(OTHER)
for (let code = 0; code < ALPHABET; code++) FOLD[code] = code >= 65 && code <= 90 ? code + 32 : code
/** Non-ASCII characters whose lowercase form has ASCII letters (İ → i̇, K → k): scan the lowercase text. */
const LOWERS_TO_ASCII = /[\u0130\u212a]/

function symbol(code: number): number {
  return FOLD[code]!
}

export class LiteralAutomaton {
  private readonly transitions: Int32Array
  /** Values reported in state s (its own and its suffix states'): outputValues[outputStart[s] … outputStart[s + 1]). */
  private readonly outputStart: Int32Array
  private readonly outputValues: Int32Array

  constructor(literals: ReadonlyArray<{ literal: string; value: number }>) {
    const goto: Map<number, number>[] = [new Map()]
    const own: number[][] = [[]]
    for (const { literal, value } of literals) {
      let state = 0
      for (let index = 0; index < literal.length; index++) {
        const next = symbol(literal.charCodeAt(index))
        let target = goto[state]!.get(next)
        if (target === undefined) {
          target = goto.length
          goto.push(new Map())
          own.push([])
          goto[state]!.set(next, target)
        }
        state = target
      }
      own[state]!.push(value)
    }
    const count = goto.length
    const transitions = new Int32Array(count * ALPHABET)
    const fail = new Int32Array(count)
    const merged: number[][] = own.map((values) => [...values])
    const queue: number[] = []
    for (const [next, target] of goto[0]!) {
      transitions[next] = target
      queue.push(target)
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!
      const failState = fail[state]!
      if (merged[failState]!.length > 0) merged[state]!.push(...merged[failState]!)
      for (let next = 0; next < ALPHABET; next++) {
        const target = goto[state]!.get(next)
        if (target === undefined) {
          transitions[state * ALPHABET + next] = transitions[failState * ALPHABET + next]!
        } else {
          transitions[state * ALPHABET + next] = target
          fail[target] = transitions[failState * ALPHABET + next]!
          queue.push(target)
        }
      }
    }
    this.transitions = transitions
    const unique = merged.map((values) => [...new Set(values)])
    const outputStart = new Int32Array(count + 1)
    let total = 0
    unique.forEach((values, state) => {
      outputStart[state] = total
      total += values.length
    })
    outputStart[count] = total
    this.outputStart = outputStart
    this.outputValues = Int32Array.from(unique.flat())
  }

  /** Calls `report` for the value of every literal found in `text` (possibly more than once). */
  scan(original: string, report: (value: number) => void): void {
    const text = LOWERS_TO_ASCII.test(original) ? original.toLowerCase() : original
    const transitions = this.transitions
    const outputStart = this.outputStart
    const outputValues = this.outputValues
    const length = text.length
    let state = 0
    for (let index = 0; index < length; index++) {
      state = transitions[state * ALPHABET + FOLD[text.charCodeAt(index)]!]!
      const start = outputStart[state]!
      const end = outputStart[state + 1]!
      for (let k = start; k < end; k++) report(outputValues[k]!)
    }
  }
}
