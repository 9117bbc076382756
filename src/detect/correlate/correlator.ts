import type { CorrelationRuleDocument, RuleMatch } from '../sigma/index.js'
import { aggregate, conditionHolds, judgedAtWindowEnd } from './aggregate.js'
import type {
  CorrelationHit,
  CorrelationMatch,
  CorrelatorEvictions,
  CorrelatorOptions,
  CorrelatorSnapshot,
  EventRef,
  SerialisedGroup,
} from './types.js'

const DEFAULT_MAX_GROUPS = 10_000
const DEFAULT_MAX_VALUES = 1_000
/** Correlations of correlations deeper than this are not followed (a cycle would otherwise loop). */
const MAX_CHAIN_DEPTH = 8
/** Event references a correlation match carries at most (the newest ones). */
const MAX_REFS = 100

interface RuleState {
  rule: CorrelationRuleDocument
  key: string
  fixedWindow: boolean
  /** Insertion order is recency order: a touched group is moved to the end. */
  groups: Map<string, SerialisedGroup>
}

/** A correlation rule referring to a rule, at position `index` of its `rules` list. */
interface Reference {
  state: RuleState
  index: number
}

/**
 * Evaluates Sigma correlation rules over a stream of rule matches: one window per correlation and
 * group-by value, sliding for `gt`/`gte` conditions (a match fires as soon as it holds, then the
 * group starts again) and fixed from the group's first event for conditions with an upper bound
 * (judged when the window ends). Memory is bounded (groups per rule, entries per group, oldest
 * evicted first and counted), and the whole state is plain JSON (`snapshot()`, `restore()`).
 */
export class Correlator {
  readonly #states: RuleState[]
  readonly #references = new Map<string, Reference[]>()
  /** Rule ids and names whose own matches are reported (not only fed to a correlation). */
  readonly #silenced = new Set<string>()
  readonly #maxGroups: number
  readonly #maxValues: number
  #evictions: CorrelatorEvictions = { groups: 0, values: 0 }

  constructor(rules: readonly CorrelationRuleDocument[], options: CorrelatorOptions = {}) {
    this.#maxGroups = options.maxGroupsPerRule ?? DEFAULT_MAX_GROUPS
    this.#maxValues = options.maxValuesPerGroup ?? DEFAULT_MAX_VALUES
    this.#states = rules.map((rule) => ({
      rule,
      key: correlationId(rule),
      fixedWindow: judgedAtWindowEnd(rule.condition),
      groups: new Map(),
    }))
    const generated = new Set<string>()
    for (const state of this.#states) {
      state.rule.rules.forEach((reference, index) => {
        const list = this.#references.get(reference) ?? []
        list.push({ state, index })
        this.#references.set(reference, list)
        if (state.rule.generate) generated.add(reference)
        else this.#silenced.add(reference)
      })
    }
    for (const reference of generated) this.#silenced.delete(reference)
  }

  get size(): number {
    return this.#states.length
  }

  get evictions(): CorrelatorEvictions {
    return { ...this.#evictions }
  }

  /** Whether a rule's own matches are reported: false when only a correlation without `generate` uses it. */
  emits(ruleId: string, ruleName?: string): boolean {
    return !this.#silenced.has(ruleId) && (ruleName === undefined || !this.#silenced.has(ruleName))
  }

  /** Whether any correlation refers to this rule (by id or name). */
  refersTo(ruleId: string, ruleName?: string): boolean {
    return this.#references.has(ruleId) || (ruleName !== undefined && this.#references.has(ruleName))
  }

  /** Feeds a detection rule match; `read` reads fields of its event (the detector's `fieldValue`). */
  observeMatch(
    match: Pick<RuleMatch, 'ruleId' | 'ruleName' | 'timestamp' | 'event'>,
    read: (event: Record<string, unknown>, field: string) => unknown,
    fallback: { time: number; ref?: EventRef },
  ): CorrelationMatch[] {
    if (!this.refersTo(match.ruleId, match.ruleName)) return []
    return this.observe({
      ruleId: match.ruleId,
      ruleName: match.ruleName,
      time: match.timestamp?.getTime() ?? fallback.time,
      field: (name) => read(match.event, name),
      ref: fallback.ref,
    })
  }

  /** Feeds one hit; returns the correlations it completed, including chained ones. */
  observe(hit: CorrelationHit, depth = 0): CorrelationMatch[] {
    const references = [
      ...(this.#references.get(hit.ruleId) ?? []),
      ...(hit.ruleName === undefined || hit.ruleName === hit.ruleId
        ? []
        : (this.#references.get(hit.ruleName) ?? [])),
    ]
    const fired: CorrelationMatch[] = []
    const seen = new Set<RuleState>()
    for (const { state, index } of references) {
      if (seen.has(state)) continue
      seen.add(state)
      const match = this.#add(state, index, hit)
      if (match !== undefined) fired.push(match)
    }
    return this.#chain(fired, depth)
  }

  /** Closes the fixed windows that ended before `time` (a clock tick in the live loop). */
  advance(time: number): CorrelationMatch[] {
    const fired: CorrelationMatch[] = []
    for (const state of this.#states) {
      if (!state.fixedWindow) continue
      for (const [key, group] of state.groups) {
        if (group.start !== null && group.start + state.rule.timespanMs < time) {
          state.groups.delete(key)
          const match = this.#judge(state, group, group.start + state.rule.timespanMs)
          if (match !== undefined) fired.push(match)
        }
      }
    }
    return this.#chain(fired, 0)
  }

  /** Closes every open fixed window (end of an offline scan). */
  flush(): CorrelationMatch[] {
    return this.advance(Number.POSITIVE_INFINITY)
  }

  snapshot(): CorrelatorSnapshot {
    const rules: Record<string, SerialisedGroup[]> = {}
    for (const state of this.#states) {
      if (state.groups.size > 0) rules[state.key] = [...state.groups.values()]
    }
    return structuredClone({ version: 1, evictions: this.#evictions, rules })
  }

  /** Takes back a snapshot; groups of correlation rules that no longer exist are dropped. */
  restore(snapshot: CorrelatorSnapshot): void {
    if (snapshot.version !== 1) return
    this.#evictions = { ...snapshot.evictions }
    for (const state of this.#states) {
      state.groups.clear()
      for (const group of snapshot.rules[state.key] ?? []) {
        state.groups.set(group.key, structuredClone(group))
      }
    }
  }

  #add(state: RuleState, index: number, hit: CorrelationHit): CorrelationMatch | undefined {
    const { rule } = state
    const group: Record<string, unknown> = {}
    for (const field of rule.groupBy) {
      group[field] = normalise(hit.field(sourceField(rule, field, hit)))
    }
    let value: string | number | null = null
    if (rule.type !== 'event_count' && rule.type !== 'temporal' && rule.type !== 'temporal_ordered') {
      const fields = rule.condition?.field ?? []
      const values = fields.map((field) => normalise(hit.field(sourceField(rule, field, hit))))
      if (values.some((item) => item === null)) return undefined
      if (rule.type === 'value_count')
        value = fields.length === 1 ? String(values[0]) : JSON.stringify(values)
      else {
        value = Number(values[0])
        if (!Number.isFinite(value)) return undefined
      }
    }
    const key = JSON.stringify(rule.groupBy.map((field) => group[field]))
    let fired: CorrelationMatch | undefined
    let current = state.groups.get(key)
    if (current !== undefined) state.groups.delete(key)
    if (current !== undefined && state.fixedWindow && current.start !== null) {
      const end = current.start + rule.timespanMs
      if (hit.time > end) {
        fired = this.#judge(state, current, end)
        current = undefined
      }
    }
    if (current === undefined) {
      current = { key, group, start: state.fixedWindow ? hit.time : null, entries: [] }
      if (state.groups.size >= this.#maxGroups) {
        const oldest = state.groups.keys().next().value
        if (oldest !== undefined) state.groups.delete(oldest)
        this.#evictions.groups += 1
      }
    }
    state.groups.set(key, current)
    const entries = current.entries
    if (!state.fixedWindow) {
      const from = hit.time - rule.timespanMs
      if (entries.some((entry) => entry[0] < from))
        current.entries = entries.filter((entry) => entry[0] >= from)
    }
    current.entries.push([hit.time, index, value, hit.ref ?? null])
    if (current.entries.length > this.#maxValues) {
      current.entries.shift()
      this.#evictions.values += 1
    }
    if (fired !== undefined || state.fixedWindow) return fired
    const match = this.#judge(state, current, hit.time)
    if (match !== undefined) state.groups.delete(key)
    return match
  }

  /** Checks a window's condition; the match when it holds. */
  #judge(state: RuleState, group: SerialisedGroup, end: number): CorrelationMatch | undefined {
    const value = aggregate(state.rule, group.entries)
    if (!conditionHolds(state.rule, value)) return undefined
    const { rule } = state
    const first = group.entries.reduce((earliest, entry) => Math.min(earliest, entry[0]), end)
    const refs = group.entries.flatMap((entry) => (entry[3] === null ? [] : [entry[3]]))
    return {
      ruleId: state.key,
      ruleName: rule.name,
      title: rule.title,
      level: rule.level,
      tags: rule.tags,
      type: rule.type,
      group: group.group,
      groupKey: group.key,
      windowStart: new Date(group.start ?? first),
      windowEnd: new Date(end),
      value,
      count: group.entries.length,
      refs: refs.slice(-MAX_REFS),
      emit: this.emits(state.key, rule.name),
      rule,
    }
  }

  /** Feeds fired correlations to the correlations that refer to them. */
  #chain(fired: CorrelationMatch[], depth: number): CorrelationMatch[] {
    if (depth >= MAX_CHAIN_DEPTH) return fired
    const all = [...fired]
    for (const match of fired) {
      if (!this.refersTo(match.ruleId, match.ruleName)) continue
      all.push(
        ...this.observe(
          {
            ruleId: match.ruleId,
            ruleName: match.ruleName,
            time: match.windowEnd.getTime(),
            field: (name) => match.group[name],
            ref: match.refs.at(-1),
          },
          depth + 1,
        ),
      )
    }
    return all
  }
}

/** The key a correlation rule's state is stored under: its id, else its name, else where it is written. */
export function correlationId(rule: CorrelationRuleDocument): string {
  return rule.id ?? rule.name ?? `${rule.file}:${rule.line}`
}

/** A group-by or value field, through the correlation's aliases for the rule that matched. */
function sourceField(rule: CorrelationRuleDocument, field: string, hit: CorrelationHit): string {
  const perRule = rule.aliases[field]
  if (perRule === undefined) return field
  return (hit.ruleName === undefined ? undefined : perRule[hit.ruleName]) ?? perRule[hit.ruleId] ?? field
}

function normalise(value: unknown): string | number | null {
  if (value === undefined || value === null) return null
  if (typeof value === 'number' || typeof value === 'string') return value
  if (Array.isArray(value) && value.length === 1) return normalise(value[0])
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}
