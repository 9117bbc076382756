import type { EventView } from '../mapping/event-view.js'
import type { FieldRef } from '../mapping/field-ref.js'
import { LiteralAutomaton } from './aho-corasick.js'
import type { CompiledRule } from './compile-rule.js'
import { LiteralGate } from './literal-gate.js'
import { MAX_GROUPS, requiredLiteralGroups } from './required-literals.js'
import { MemoBudget, ScanMemo } from './scan-memo.js'

/** Literals searched for in some texts: their automaton, a native gate, what was found in texts seen before. */
interface LiteralScan {
  automaton: LiteralAutomaton
  gate: LiteralGate | undefined
  memo: ScanMemo
  /** No literal has a line break: a long text can be scanned (and memoized) line by line. */
  byLine: boolean
}

/** A field's literals. */
interface FieldScan extends LiteralScan {
  field: FieldRef
}

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
  /** One automaton per field, with a native gate on long texts when it has few literals. */
  private readonly automata: FieldScan[]
  /** Literals of keyword searches, scanned over every value of the event. */
  private readonly keywordScan: LiteralScan | undefined
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
    /** Characters the memos of the group (and of the groups sharing it) may hold. */
    budget = new MemoBudget(),
  ) {
    this.tests = rules.map((rule) => rule.root.test)
    const byField = new Map<FieldRef | null, Array<{ literal: string; value: number }>>()
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
          list.push({ literal: atom.literal, value: (position << GROUP_BITS) | (1 << groupIndex) })
        }
      })
    })
    this.fullMasks = fullMasks
    this.unfiltered = Int32Array.from(unfiltered)
    const keywordLiterals = byField.get(null)
    byField.delete(null)
    this.keywordScan = keywordLiterals === undefined ? undefined : literalScan(keywordLiterals, budget)
    this.automata = [...byField].map(([field, literals]) => ({
      field: field!,
      ...literalScan(literals, budget),
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
    for (const fieldScan of this.automata) {
      const raw = view.get(fieldScan.field)
      if (typeof raw === 'string') this.scanText(raw, fieldScan)
      else if (raw !== undefined && raw !== null) this.scanValues(raw, fieldScan, 1)
    }
    if (this.keywordScan !== undefined) this.scanValues(view.event, this.keywordScan, KEYWORD_DEPTH)
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

  /**
   * Marks the rules of the literals found in a text, from the memo when the text was seen before
   * (the lookup costs far less than the gate's search of a long text: a `CallTrace` is about 570
   * characters, 99% of them in a value seen before). A long text without a native gate, which
   * the automaton would read in full, goes line by line when its literals have no line break:
   * the lines of a PowerShell `ContextInfo` repeat even when the whole text, with its sequence
   * number, does not. (With a gate, lines would cost more in lookups than the gate's search.)
   */
  private scanText(text: string, scan: LiteralScan): void {
    let end =
      text.length > LINE_SPLIT_LENGTH && scan.gate === undefined && scan.byLine ? text.indexOf('\n') : -1
    if (end < 0) {
      this.scanPiece(text, scan, false)
      return
    }
    let start = 0
    while (end >= 0) {
      this.scanPiece(text.slice(start, end), scan, true)
      start = end + 1
      end = text.indexOf('\n', start)
    }
    this.scanPiece(text.slice(start), scan, true)
  }

  /** One text (or line of one, a `slice`): from the memo when it was seen before. */
  private scanPiece(text: string, { automaton, gate, memo }: LiteralScan, slice: boolean): void {
    const gated = gate !== undefined && text.length >= GATED_LENGTH
    if (text.length > memo.maxLength) {
      if (!gated || gate.passes(text)) automaton.scan(text, this.mark)
      return
    }
    let found = memo.get(text)
    if (found === undefined) {
      this.found.length = 0
      if (!gated || gate.passes(text)) automaton.scan(text, this.collect)
      found = this.found.length === 0 ? NOTHING : Int32Array.from(this.found)
      memo.set(slice ? detached(text) : text, found)
    }
    for (let index = 0; index < found.length; index++) this.mark(found[index]!)
  }

  /** Scans every scalar under `value` (arrays; objects too when depth allows). */
  private scanValues(value: unknown, scan: LiteralScan, depth: number): void {
    if (typeof value === 'string') {
      // With a gate, a memo lookup per value would cost more than the gate's native search.
      if (scan.gate === undefined) this.scanText(value, scan)
      else if (scan.gate.passes(value)) scan.automaton.scan(value, this.mark)
    } else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
      if (scan.gate === undefined || scan.gate.mayMatchScalars) scan.automaton.scan(String(value), this.mark)
    } else if (Array.isArray(value)) {
      for (const element of value) this.scanValues(element, scan, depth)
    } else if (depth > 1 && typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>
      for (const key in record) this.scanValues(record[key], scan, depth - 1)
    }
  }

  /** Values reported by the scan in progress, for the memo. */
  private readonly found: number[] = []
  private readonly collect = (value: number): void => {
    this.found.push(value)
  }

  /** A literal of the rule at `value >>> GROUP_BITS` was found, in the groups of bit `value & GROUP_MASK`. */
  private readonly mark = (value: number): void => {
    const position = value >>> GROUP_BITS
    const bit = value & GROUP_MASK
    let mask = this.hitEpochs[position] === this.epoch ? this.hitMasks[position]! : 0
    if ((mask & bit) !== 0) return
    this.hitEpochs[position] = this.epoch
    mask |= bit
    this.hitMasks[position] = mask
    if (mask === this.fullMasks[position]) this.candidates[this.candidateCount++] = position
  }
}

/**
 * Shortest text searched by a field's native gate before its automaton: on shorter ones the
 * automaton alone is as fast (a PowerShell ContextInfo is a kilobyte, an IntegrityLevel a word).
 */
const GATED_LENGTH = 32

const NOTHING = new Int32Array(0)

/** Literal values are (rule position << GROUP_BITS) | the bit of the rule's group: shifts, no division. */
const GROUP_BITS = MAX_GROUPS
const GROUP_MASK = (1 << GROUP_BITS) - 1

/** Texts longer than this are scanned line by line (when the literals allow it). */
const LINE_SPLIT_LENGTH = 512

/** Levels of objects under the event whose values keyword searches read. */
const KEYWORD_DEPTH = 32

function literalScan(literals: Array<{ literal: string; value: number }>, budget: MemoBudget): LiteralScan {
  return {
    automaton: new LiteralAutomaton(literals),
    gate: LiteralGate.of(literals.map(({ literal }) => literal)),
    memo: new ScanMemo({ budget }),
    byLine: literals.every(({ literal }) => !literal.includes('\n')),
  }
}

/**
 * A copy of a slice that does not keep its whole parent string alive in the memo. V8 makes a
 * slice a view of its parent; a concatenation is flattened into a new string when sliced.
 */
function detached(slice: string): string {
  return ` ${slice}`.slice(1)
}
