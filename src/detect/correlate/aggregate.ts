import type { CorrelationCondition, CorrelationRuleDocument } from '../sigma/index.js'
import type { SerialisedEntry } from './types.js'

/** The number a correlation's condition is compared with, over the entries of one window. */
export function aggregate(rule: CorrelationRuleDocument, entries: readonly SerialisedEntry[]): number {
  switch (rule.type) {
    case 'event_count':
      return entries.length
    case 'value_count':
      return new Set(entries.map((entry) => entry[2])).size
    case 'temporal':
      return new Set(entries.map((entry) => entry[1])).size
    case 'temporal_ordered':
      return orderedPrefix(entries, rule.rules.length)
    case 'value_sum':
      return numbers(entries).reduce((sum, value) => sum + value, 0)
    case 'value_avg': {
      const values = numbers(entries)
      return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length
    }
    case 'value_percentile':
      return percentile(numbers(entries), rule.condition?.percentile ?? 95)
    case 'value_median':
      return percentile(numbers(entries), 50)
  }
}

/** The condition, or for temporal correlations without one: every referenced rule seen. */
export function conditionHolds(rule: CorrelationRuleDocument, value: number): boolean {
  const comparisons = rule.condition?.comparisons ?? { gte: rule.rules.length }
  if (Number.isNaN(value)) return false
  return Object.entries(comparisons).every(([operator, threshold]) => compare(operator, value, threshold))
}

/**
 * Whether the condition can only be judged when the window closes: with `lt`, `lte`, `eq` or `neq`
 * a later event may still break it, so the window is fixed and checked at its end.
 */
export function judgedAtWindowEnd(condition: CorrelationCondition | undefined): boolean {
  if (condition === undefined) return false
  return Object.keys(condition.comparisons).some((operator) => operator !== 'gt' && operator !== 'gte')
}

function compare(operator: string, value: number, threshold: number): boolean {
  switch (operator) {
    case 'gt':
      return value > threshold
    case 'gte':
      return value >= threshold
    case 'lt':
      return value < threshold
    case 'lte':
      return value <= threshold
    case 'eq':
      return value === threshold
    default:
      return value !== threshold
  }
}

/** How many of the rules appeared in the given order (a subsequence of the entries, by time). */
function orderedPrefix(entries: readonly SerialisedEntry[], ruleCount: number): number {
  const byTime = [...entries].sort((left, right) => left[0] - right[0])
  let next = 0
  for (const entry of byTime) {
    if (entry[1] === next) next += 1
    if (next === ruleCount) break
  }
  return next
}

function numbers(entries: readonly SerialisedEntry[]): number[] {
  const values: number[] = []
  for (const entry of entries) if (typeof entry[2] === 'number') values.push(entry[2])
  return values
}

/** Linear interpolation between closest ranks (as NumPy's default and most SIEM backends). */
export function percentile(values: number[], rank: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((left, right) => left - right)
  const position = (rank / 100) * (sorted.length - 1)
  const lower = Math.floor(position)
  const upper = Math.ceil(position)
  const low = sorted[lower]!
  return low + (sorted[upper]! - low) * (position - lower)
}
