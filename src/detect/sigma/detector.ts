import { readPath } from '../mapping/event-shape.js'
import { EventView } from '../mapping/event-view.js'
import { fieldRef } from '../mapping/field-ref.js'
import {
  defaultMappingConfig,
  type LogsourceSelector,
  type MappingConfig,
} from '../mapping/mapping-config.js'
import { type CompiledRule, explainMatch } from './compile-rule.js'
import { RuleIndex } from './rule-index.js'

/** One rule matching one event: what an alert, a `watchfloor scan` line or a correlation engine needs. */
export interface RuleMatch {
  ruleId: string
  /** The rule's `name` (how correlation rules may refer to it). */
  ruleName: string | undefined
  title: string
  level: string | undefined
  tags: string[]
  /** Field → value of the event that made the rule match (keyword hits under `keywords`). */
  matchedFields: Record<string, unknown>
  /** Event time from the configured timestamp fields, when present and parseable. */
  timestamp: Date | undefined
  event: Record<string, unknown>
  rule: CompiledRule
}

export interface Detector {
  /**
   * Every rule matching the event. With `logsource`, the caller states the event's source and the
   * rules for it run; otherwise the mapping config routes the event by its fields (Channel, EventID…).
   */
  match(event: Record<string, unknown>, logsource?: LogsourceSelector): RuleMatch[]
  /** Reads a rule field from an event (any supported shape): for correlation group-by values. */
  fieldValue(event: Record<string, unknown>, field: string): unknown
  /** Rules that no log-source mapping routes to (never evaluated unless `unmappedRules: 'always'` or a logsource is given). */
  readonly unmappedRules: readonly CompiledRule[]
  readonly rules: readonly CompiledRule[]
}

export interface DetectorOptions {
  /** Literal pre-filter (default on); off only to measure or to cross-check it. */
  prefilter?: boolean
}

export function createDetector(
  rules: readonly CompiledRule[],
  config: MappingConfig = defaultMappingConfig,
  options: DetectorOptions = {},
): Detector {
  const ecsFields = Object.fromEntries(
    Object.entries(config.ecsFields).map(([name, paths]) => [name, paths.map((path) => path.split('.'))]),
  )
  const index = new RuleIndex(rules, config, options.prefilter ?? true)
  const view = new EventView(ecsFields)
  const timestampFields = config.timestampFields.map((name) => ({
    name,
    path: name.split('.'),
    ref: fieldRef(name),
  }))
  const matched: CompiledRule[] = []
  const matchedFieldMaps: Array<EventView['fieldMap']> = []
  const collect = (rule: CompiledRule) => {
    if (matched.includes(rule)) return
    matched.push(rule)
    matchedFieldMaps.push(view.fieldMap)
  }

  const timestampOf = (event: Record<string, unknown>): Date | undefined => {
    for (const field of timestampFields) {
      const raw = event[field.name] ?? readPath(event, field.path) ?? view.get(field.ref)
      if (typeof raw === 'string' || typeof raw === 'number') {
        const date = new Date(
          typeof raw === 'string' && /^\d{4}-\d{2}-\d{2} /.test(raw) ? `${raw.replace(' ', 'T')}Z` : raw,
        )
        if (!Number.isNaN(date.getTime())) return date
      }
    }
    return undefined
  }

  return {
    rules,
    unmappedRules: index.unmapped,
    match(event, logsource) {
      view.reset(event)
      matched.length = 0
      matchedFieldMaps.length = 0
      if (logsource === undefined) index.run(view, collect)
      else index.runFor(logsource, view, collect)
      if (matched.length === 0) return []
      const timestamp = timestampOf(event)
      return matched.map((rule, position) => {
        const matchedFields: Record<string, unknown> = {}
        view.fieldMap = matchedFieldMaps[position]
        explainMatch(rule.root, view, matchedFields)
        return {
          ruleId: rule.id,
          ruleName: rule.name,
          title: rule.title,
          level: rule.level,
          tags: rule.tags,
          matchedFields,
          timestamp,
          event,
          rule,
        }
      })
    },
    fieldValue(event, field) {
      view.reset(event)
      return view.get(fieldRef(field))
    },
  }
}
