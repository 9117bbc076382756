/**
 * Parsed Sigma documents (before compilation). These mirror the specification v2.1:
 * detection rules, correlation rules and meta-filters.
 */

export interface Logsource {
  product?: string
  category?: string
  service?: string
  definition?: string
}

/** A value as written in a rule; `text` is the source text (numbers keep `0x10`, `012`). */
export interface RuleValue {
  value: string | number | boolean | null
  text: string
  line: number
}

/** One `field|mod1|mod2: values` entry; `field` is null for keyword (full-text) searches. */
export interface FieldItem {
  kind: 'field'
  field: string | null
  modifiers: string[]
  values: RuleValue[]
  line: number
  /** `detection.<search>.<key>` for error messages. */
  path: string
}

/** A search identifier's body: maps are AND of field items, lists OR of their elements. */
export type SearchExpr = FieldItem | { kind: 'and' | 'or'; items: SearchExpr[] }

export interface SearchIdentifier {
  name: string
  line: number
  expr: SearchExpr
}

export type ConditionNode =
  | { kind: 'and' | 'or'; items: ConditionNode[] }
  | { kind: 'not'; item: ConditionNode }
  | { kind: 'ref'; name: string }
  /** `1 of x*`, `all of them`: `pattern` is `them` or a pattern with `*` wildcards. */
  | { kind: 'of'; quantifier: 'one' | 'all'; pattern: string }

export interface Detection {
  searches: Map<string, SearchIdentifier>
  /** Several conditions (a YAML list) are linked with OR. */
  condition: ConditionNode
  conditionText: string[]
  line: number
}

interface DocumentBase {
  id?: string
  name?: string
  title: string
  description?: string
  status?: string
  level?: string
  tags: string[]
  author?: string
  date?: string
  modified?: string
  /** Every attribute of the document as plain values (references, falsepositives, custom keys…). */
  attributes: Record<string, unknown>
  file: string
  line: number
}

export interface SigmaRuleDocument extends DocumentBase {
  kind: 'rule'
  logsource: Logsource
  detection: Detection
  fields: string[]
  falsepositives: string[]
  /** SigmaHQ's `regression_tests_path` (info.yml of the rule's regression data), when present. */
  regressionTestsPath?: string
}

export const CORRELATION_TYPES = [
  'event_count',
  'value_count',
  'temporal',
  'temporal_ordered',
  'value_sum',
  'value_avg',
  'value_percentile',
  /** pySigma's extension: the 50th percentile. */
  'value_median',
] as const
export type CorrelationType = (typeof CORRELATION_TYPES)[number]

export const CORRELATION_OPERATORS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const
export type CorrelationOperator = (typeof CORRELATION_OPERATORS)[number]

export interface CorrelationCondition {
  /** The field the value_* types aggregate (several fields for value_count are ANDed). */
  field?: string[]
  /** For value_percentile: which percentile (0–100) of the field's values is compared (default 95). */
  percentile?: number
  /** Every comparison must hold, e.g. `{ gt: 100, lte: 200 }`. */
  comparisons: Partial<Record<CorrelationOperator, number>>
}

/**
 * A correlation rule, parsed and validated. It refers to detection rules (or other correlations) by
 * id or name; a correlation engine consumes `RuleMatch`es of those rules.
 */
export interface CorrelationRuleDocument extends DocumentBase {
  kind: 'correlation'
  type: CorrelationType
  rules: string[]
  groupBy: string[]
  timespan: string
  timespanMs: number
  condition?: CorrelationCondition
  /** alias → (rule name → field of the events matched by that rule). */
  aliases: Record<string, Record<string, string>>
  generate: boolean
}

/** A meta-filter (`filter:`): adds `and not <filter>` to the rules it names. */
export interface FilterDocument extends DocumentBase {
  kind: 'filter'
  logsource: Logsource
  rules: string[]
  detection: Detection
}

export type SigmaDocument = SigmaRuleDocument | CorrelationRuleDocument | FilterDocument
