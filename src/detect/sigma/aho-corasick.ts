/**
 * Aho–Corasick automaton over lowercase text, compiled to a dense transition table, used as a
 * literal pre-filter: one pass over a field's text reports every rule whose required literal
 * occurs in it. Code units ≥ 128 share one symbol: that can only add reports (never miss one),
 * and every report is confirmed by the rule's own matcher.
 */
const ALPHABET = 128
const OTHER = 127

function symbol(code: number): number {
  return code < ALPHABET ? code : OTHER
}

export class LiteralAutomaton {
  private readonly transitions: Int32Array
  /** Per state: the values reported there (including those of its suffix states). */
  private readonly outputs: (Int32Array | undefined)[]

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
    this.outputs = merged.map((values) =>
      values.length === 0 ? undefined : Int32Array.from(new Set(values)),
    )
  }

  /** Calls `report` for the value of every literal found in `text` (possibly more than once). */
  scan(text: string, report: (value: number) => void): void {
    const transitions = this.transitions
    const outputs = this.outputs
    let state = 0
    for (let index = 0; index < text.length; index++) {
      state = transitions[state * ALPHABET + symbol(text.charCodeAt(index))]!
      const found = outputs[state]
      if (found !== undefined) for (let k = 0; k < found.length; k++) report(found[k]!)
    }
  }
}
