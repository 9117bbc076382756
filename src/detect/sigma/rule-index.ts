import type { EventView } from '../mapping/event-view.js'
import { scalarText } from '../mapping/event-view.js'
import { type FieldRef, fieldRef } from '../mapping/field-ref.js'
import type {
  LogsourceMapping,
  LogsourceSelector,
  MappingConfig,
  SourceCondition,
} from '../mapping/mapping-config.js'
import type { CompiledRule } from './compile-rule.js'
import { RuleGroup } from './rule-group.js'
import { MemoBudget } from './scan-memo.js'

const CHANNEL = fieldRef('Channel')
const EVENT_ID = fieldRef('EventID')
const MAX_BUCKETS = 4096

/** Does a rule's logsource ask only for values this selector has? */
export function logsourceApplies(rule: LogsourceSelector, source: LogsourceSelector): boolean {
  const same = (wanted: string | undefined, offered: string | undefined) =>
    wanted === undefined || (offered !== undefined && wanted.toLowerCase() === offered.toLowerCase())
  return (
    same(rule.product, source.product) &&
    same(rule.category, source.category) &&
    same(rule.service, source.service)
  )
}

interface PreparedSource {
  mapping: LogsourceMapping
  channels: Set<string> | undefined
  eventIds: Set<string> | undefined
  /** Conditions other than Channel/EventID, checked per event. */
  extra: ((view: EventView) => boolean) | undefined
  rules: CompiledRule[]
  fieldMap: Map<number, FieldRef> | undefined
}

/** Groups that apply to one (channel, EventID) pair; `conditional` ones also test their extra conditions. */
interface Bucket {
  groups: Array<{ when: ((view: EventView) => boolean) | undefined; group: RuleGroup }>
}

/**
 * Routes events to rules: log-source entries are indexed by Channel and EventID (the Windows
 * case), other conditions are checked per event. The groups for a (channel, EventID) pair are
 * built on first sight and cached, so an event costs one map lookup before its rules run.
 */
export class RuleIndex {
  private readonly sources: PreparedSource[]
  private readonly buckets = new Map<string, Bucket>()
  /** The same buckets by raw Channel value, then raw EventID value (a number or a string). */
  private readonly rawBuckets = new Map<KeyValue, Map<KeyValue, Bucket>>()
  private rawBucketCount = 0
  private readonly hinted = new Map<string, RuleGroup>()
  private readonly groups = new Map<string, RuleGroup>()
  private readonly ruleNumbers: Map<CompiledRule, number>
  /** Rules whose logsource no mapping entry describes. */
  readonly unmapped: CompiledRule[]
  private readonly everywhere: RuleGroup | undefined
  /** One budget for the scan memos of all the groups. */
  private readonly memoBudget = new MemoBudget()

  constructor(
    private readonly rules: readonly CompiledRule[],
    config: MappingConfig,
    private readonly usePrefilter = true,
  ) {
    this.ruleNumbers = new Map(rules.map((rule, index) => [rule, index]))
    this.sources = config.logsources.map((mapping) => prepareSource(mapping, rules))
    const mapped = new Set(this.sources.flatMap((source) => source.rules))
    this.unmapped = rules.filter((rule) => !mapped.has(rule))
    const unconstrained = this.unmapped.filter((rule) => isUnconstrained(rule.logsource))
    const everywhere = config.unmappedRules === 'always' ? this.unmapped : unconstrained
    this.everywhere =
      everywhere.length > 0 ? new RuleGroup(everywhere, undefined, usePrefilter, this.memoBudget) : undefined
  }

  /** Runs every applicable rule on the event in `view`. */
  run(view: EventView, onMatch: (rule: CompiledRule) => void): void {
    const bucket = this.bucketFor(view)
    for (const { when, group } of bucket.groups) {
      view.fieldMap = undefined
      if (when === undefined || when(view)) group.run(view, onMatch)
    }
    if (this.everywhere !== undefined) this.everywhere.run(view, onMatch)
  }

  /**
   * The bucket of the event's (Channel, EventID), found by their raw values: no lowercase copy or
   * key string per event. Values of other types (objects) take the path keyed by text.
   */
  private bucketFor(view: EventView): Bucket {
    const rawChannel = view.get(CHANNEL)
    const rawEventId = view.get(EVENT_ID)
    if (!isKeyValue(rawChannel) || !isKeyValue(rawEventId)) return this.bucketByText(view)
    let byEventId = this.rawBuckets.get(rawChannel)
    if (byEventId === undefined) {
      byEventId = new Map()
      this.rawBuckets.set(rawChannel, byEventId)
    }
    let bucket = byEventId.get(rawEventId)
    if (bucket === undefined) {
      if (this.rawBucketCount >= MAX_BUCKETS) {
        this.rawBuckets.clear()
        this.rawBucketCount = 0
      }
      bucket = this.bucketByText(view)
      byEventId.set(rawEventId, bucket)
      this.rawBucketCount++
    }
    return bucket
  }

  private bucketByText(view: EventView): Bucket {
    const channel = view.lower(CHANNEL)
    const eventId = scalarText(view.get(EVENT_ID))
    const key = `${channel ?? '\u0001'}\u0000${eventId ?? '\u0001'}`
    let bucket = this.buckets.get(key)
    if (bucket === undefined) {
      if (this.buckets.size >= MAX_BUCKETS) this.buckets.clear()
      bucket = this.buildBucket(channel, eventId)
      this.buckets.set(key, bucket)
    }
    return bucket
  }

  /** Runs the rules whose logsource fits an explicit selector (the caller knows the source). */
  runFor(selector: LogsourceSelector, view: EventView, onMatch: (rule: CompiledRule) => void): void {
    const key = `${selector.product ?? ''}\u0000${selector.category ?? ''}\u0000${selector.service ?? ''}`
    let group = this.hinted.get(key)
    if (group === undefined) {
      group = new RuleGroup(
        this.rules.filter((rule) => logsourceApplies(rule.logsource, selector)),
        undefined,
        this.usePrefilter,
        this.memoBudget,
      )
      this.hinted.set(key, group)
    }
    group.run(view, onMatch)
  }

  /**
   * One RuleGroup per distinct (rules, field mapping): the Security channel's hundreds of EventIDs
   * share the group (and its automata) of the rules that apply to all of them.
   */
  private sharedGroup(rules: CompiledRule[], fieldMap: Map<number, FieldRef> | undefined): RuleGroup {
    const ids = rules.map((rule) => this.ruleNumbers.get(rule)!).sort((a, b) => a - b)
    const mapKey =
      fieldMap === undefined ? '' : [...fieldMap].map(([from, to]) => `${from}>${to.id}`).join(',')
    const key = `${mapKey}|${ids.join(',')}`
    let group = this.groups.get(key)
    if (group === undefined) {
      group = new RuleGroup(rules, fieldMap, this.usePrefilter, this.memoBudget)
      this.groups.set(key, group)
    }
    return group
  }

  private buildBucket(channel: string | undefined, eventId: string | undefined): Bucket {
    const plain = new Map<Map<number, FieldRef> | undefined, Set<CompiledRule>>()
    const conditional: PreparedSource[] = []
    for (const source of this.sources) {
      if (source.rules.length === 0) continue
      if (source.channels !== undefined && (channel === undefined || !source.channels.has(channel))) continue
      if (source.eventIds !== undefined && (eventId === undefined || !source.eventIds.has(eventId))) continue
      if (source.extra !== undefined) {
        conditional.push(source)
        continue
      }
      const key =
        [...plain.keys()].find((candidate) => sameFieldMap(candidate, source.fieldMap)) ?? source.fieldMap
      const set = plain.get(key) ?? new Set<CompiledRule>()
      for (const rule of source.rules) set.add(rule)
      plain.set(key, set)
    }
    // A rule reached both without and with a field mapping is evaluated once, without it.
    const ordered = [...plain].sort(([a], [b]) => (a === undefined ? -1 : b === undefined ? 1 : 0))
    const evaluatedWith = new Map<CompiledRule, Map<number, FieldRef> | undefined>()
    const fixed = ordered.map(([fieldMap, set]) => {
      const rules = [...set].filter((rule) => !evaluatedWith.has(rule))
      for (const rule of rules) evaluatedWith.set(rule, fieldMap)
      return { when: undefined, group: this.sharedGroup(rules, fieldMap) }
    })
    // A conditional source (the registry split by EventType) also lists the rules of every source
    // it narrows (`product: windows` alone): those the plain groups already evaluate, without a
    // field mapping or with the same one, are left out, or each such event would run them (and
    // scan its every value for their keywords) once per group.
    const groups = conditional.flatMap((source) => {
      const rules = source.rules.filter((rule) => {
        if (!evaluatedWith.has(rule)) return true
        const fieldMap = evaluatedWith.get(rule)
        return fieldMap !== undefined && !sameFieldMap(fieldMap, source.fieldMap)
      })
      return rules.length === 0
        ? []
        : [{ when: source.extra, group: this.sharedGroup(rules, source.fieldMap) }]
    })
    return { groups: [...fixed.filter(({ group }) => group.rules.length > 0), ...groups] }
  }
}

type KeyValue = string | number | boolean | undefined

function isKeyValue(value: unknown): value is KeyValue {
  return (
    value === undefined ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  )
}

function isUnconstrained(logsource: LogsourceSelector): boolean {
  return (
    logsource.product === undefined && logsource.category === undefined && logsource.service === undefined
  )
}

function sameFieldMap(a: Map<number, FieldRef> | undefined, b: Map<number, FieldRef> | undefined): boolean {
  if (a === b) return true
  if (a === undefined || b === undefined || a.size !== b.size) return false
  for (const [key, value] of a) if (b.get(key) !== value) return false
  return true
}

function prepareSource(mapping: LogsourceMapping, rules: readonly CompiledRule[]): PreparedSource {
  let channels: Set<string> | undefined
  let eventIds: Set<string> | undefined
  const extra: SourceCondition[] = []
  for (const condition of mapping.conditions) {
    const values = condition.values?.map((value) => String(value).toLowerCase())
    if (condition.field === 'Channel' && values !== undefined) channels = intersect(channels, values)
    else if (condition.field === 'EventID' && values !== undefined) eventIds = intersect(eventIds, values)
    else extra.push(condition)
  }
  const fieldMap =
    mapping.fieldMappings === undefined
      ? undefined
      : new Map(Object.entries(mapping.fieldMappings).map(([from, to]) => [fieldRef(from).id, fieldRef(to)]))
  return {
    mapping,
    channels,
    eventIds,
    extra: extra.length === 0 ? undefined : compileConditions(extra),
    rules: rules.filter(
      (rule) => !isUnconstrained(rule.logsource) && logsourceApplies(rule.logsource, mapping.logsource),
    ),
    fieldMap,
  }
}

function intersect(current: Set<string> | undefined, values: string[]): Set<string> {
  if (current === undefined) return new Set(values)
  return new Set(values.filter((value) => current.has(value)))
}

function compileConditions(conditions: SourceCondition[]): (view: EventView) => boolean {
  const tests = conditions.map((condition) => {
    const field = fieldRef(condition.field)
    if (condition.values === undefined) return (view: EventView) => view.get(field) !== undefined
    const accepted = new Set(condition.values.map((value) => String(value).toLowerCase()))
    return (view: EventView) => {
      const text = view.lower(field)
      return text !== undefined && accepted.has(text)
    }
  })
  return (view) => tests.every((test) => test(view))
}
