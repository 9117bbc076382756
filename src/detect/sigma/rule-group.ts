import type { EventView } from '../mapping/event-view.js'
import type { FieldRef } from '../mapping/field-ref.js'
import { LiteralAutomaton } from './aho-corasick.js'
import type { CompiledRule } from './compile-rule.js'
import { MAX_GROUPS, requiredLiteralGroups } from './required-literals.js'

/**
 * The rules that apply to one kind of event (one log source, one field mapping), with a literal
 * pre-filter: a rule with required literal groups (see `requiredLiteralGroups`) is evaluated only
 * when every one of its groups has a literal in the event — e.g. `Image` ends with
 * `\powershell.exe` and `CommandLine` contains ` -enc ` — found in one scan per field.
 */
export class RuleGroup {
  private readonly tests: Array<(view: EventView) => boolean>
  /** Positions (in `rules`) of rules evaluated on every event. */
  private readonly unfiltered: Int32Array
  private readonly automata: Array<{ field: FieldRef; automaton: LiteralAutomaton }>
  private readonly hitEpochs: Uint32Array
  private readonly hitMasks: Uint8Array
  private readonly fullMasks: Uint8Array
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
    const fullMasks = new Uint8Array(rules.length)
    rules.forEach((rule, position) => {
      const groups = usePrefilter ? requiredLiteralGroups(rule.root) : []
      if (groups.length === 0) {
        unfiltered.push(position)
        return
      }
      fullMasks[position] = (1 << groups.length) - 1
      groups.forEach((group, groupIndex) => {
        for (const atom of group) {
          let list = byField.get(atom.field)
          if (list === undefined) {
            list = []
            byField.set(atom.field, list)
          }
          list.push({ literal: atom.literal, value: position * MAX_GROUPS + groupIndex })
        }
      })
    })
    this.fullMasks = fullMasks
    this.unfiltered = Int32Array.from(unfiltered)
    this.automata = [...byField].map(([field, literals]) => ({
      field,
      automaton: new LiteralAutomaton(literals),
    }))
    this.hitEpochs = new Uint32Array(rules.length)
    this.hitMasks = new Uint8Array(rules.length)
    this.candidates = new Int32Array(rules.length)
  }

  /** Calls `onMatch` for every rule of the group that matches the event in `view`. */
  run(view: EventView, onMatch: (rule: CompiledRule) => void): void {
    view.fieldMap = this.fieldMap
    this.epoch = this.epoch === 0xffffffff ? 1 : this.epoch + 1
    if (this.epoch === 1) this.hitEpochs.fill(0)
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

  /** One literal of group `value % MAX_GROUPS` of rule `value / MAX_GROUPS` was found. */
  private readonly mark = (value: number): void => {
    const position = (value / MAX_GROUPS) | 0
    const bit = 1 << (value - position * MAX_GROUPS)
    let mask = this.hitEpochs[position] === this.epoch ? this.hitMasks[position]! : 0
    if ((mask & bit) !== 0) return
    this.hitEpochs[position] = this.epoch
    mask |= bit
    this.hitMasks[position] = mask
    if (mask === this.fullMasks[position]) this.candidates[this.candidateCount++] = position
  }
}
