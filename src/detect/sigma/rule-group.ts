import type { EventView } from '../mapping/event-view.js'
import type { FieldRef } from '../mapping/field-ref.js'
import { LiteralAutomaton } from './aho-corasick.js'
import type { CompiledRule } from './compile-rule.js'
import { requiredLiterals } from './required-literals.js'

/**
 * The rules that apply to one kind of event (one log source, one field mapping), with a literal
 * pre-filter: rules that have required literals are only evaluated when one of them occurs.
 */
export class RuleGroup {
  private readonly tests: Array<(view: EventView) => boolean>
  /** Positions (in `rules`) of rules evaluated on every event. */
  private readonly unfiltered: Int32Array
  private readonly automata: Array<{ field: FieldRef; automaton: LiteralAutomaton }>
  private readonly marks: Uint32Array
  private readonly candidates: Int32Array
  private candidateCount = 0
  private epoch = 0

  constructor(
    readonly rules: readonly CompiledRule[],
    readonly fieldMap: ReadonlyMap<number, FieldRef> | undefined,
    usePrefilter = true,
  ) {
    this.tests = rules.map((rule) => rule.root.test)
    const byField = new Map<FieldRef, Array<{ literal: string; value: number }>>()
    const unfiltered: number[] = []
    rules.forEach((rule, position) => {
      const atoms = usePrefilter ? requiredLiterals(rule.root) : undefined
      if (atoms === undefined || atoms.length === 0) {
        unfiltered.push(position)
        return
      }
      for (const atom of atoms) {
        let list = byField.get(atom.field)
        if (list === undefined) {
          list = []
          byField.set(atom.field, list)
        }
        list.push({ literal: atom.literal, value: position })
      }
    })
    this.unfiltered = Int32Array.from(unfiltered)
    this.automata = [...byField].map(([field, literals]) => ({
      field,
      automaton: new LiteralAutomaton(literals),
    }))
    this.marks = new Uint32Array(rules.length)
    this.candidates = new Int32Array(rules.length)
  }

  /** Calls `onMatch` for every rule of the group that matches the event in `view`. */
  run(view: EventView, onMatch: (rule: CompiledRule) => void): void {
    view.fieldMap = this.fieldMap
    this.epoch = this.epoch === 0xffffffff ? 1 : this.epoch + 1
    if (this.epoch === 1) this.marks.fill(0)
    this.candidateCount = 0
    for (const { field, automaton } of this.automata) {
      const text = view.lower(field)
      if (text !== undefined) {
        automaton.scan(text, this.mark)
        continue
      }
      const raw = view.get(field)
      if (Array.isArray(raw)) {
        for (const element of raw) {
          if (typeof element === 'string') automaton.scan(element.toLowerCase(), this.mark)
          else if (typeof element === 'number' || typeof element === 'boolean')
            automaton.scan(String(element), this.mark)
        }
      }
    }
    const tests = this.tests
    for (let index = 0; index < this.unfiltered.length; index++) {
      const position = this.unfiltered[index]!
      if (tests[position]!(view)) onMatch(this.rules[position]!)
    }
    for (let index = 0; index < this.candidateCount; index++) {
      const position = this.candidates[index]!
      if (tests[position]!(view)) onMatch(this.rules[position]!)
    }
  }

  /** Rules that are evaluated on every event because they have no required literal. */
  get unfilteredCount(): number {
    return this.unfiltered.length
  }

  private readonly mark = (position: number): void => {
    if (this.marks[position] === this.epoch) return
    this.marks[position] = this.epoch
    this.candidates[this.candidateCount++] = position
  }
}
