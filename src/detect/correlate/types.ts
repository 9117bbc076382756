import type { CorrelationRuleDocument, CorrelationType } from '../sigma/index.js'

/** What the caller keeps to find the events behind a correlation again: an event sequence, `file:record`. */
export type EventRef = string | number

/** One matched rule (detection or correlation) entering the correlator. */
export interface CorrelationHit {
  /** The id and, when it has one, the name of the rule that matched. */
  ruleId: string
  ruleName: string | undefined
  /** Event time in milliseconds. */
  time: number
  /** Reads a field of the matched event (or of a correlation's group). */
  field(name: string): unknown
  ref?: EventRef | undefined
}

/** A correlation rule whose condition held for one group in one window. */
export interface CorrelationMatch {
  ruleId: string
  ruleName: string | undefined
  title: string
  level: string | undefined
  tags: string[]
  type: CorrelationType
  /** group-by field → value. */
  group: Record<string, unknown>
  /** The group as one stable string (part of a detection's dedup key). */
  groupKey: string
  windowStart: Date
  windowEnd: Date
  /** The aggregate the condition was checked against (count, distinct values, sum, average, percentile). */
  value: number
  /** Matched events (or lower-level correlations) in the window. */
  count: number
  refs: EventRef[]
  /** False when another correlation refers to this one without `generate: true`: it only feeds that one. */
  emit: boolean
  rule: CorrelationRuleDocument
}

export interface CorrelatorOptions {
  /** Open groups kept per correlation rule; the least recently touched is evicted first. */
  maxGroupsPerRule?: number
  /** Entries (events, values) kept per group; the oldest is evicted first. */
  maxValuesPerGroup?: number
}

/** Entry of a window: time, index of the referenced rule, aggregated value, event reference. */
export type SerialisedEntry = [
  time: number,
  rule: number,
  value: string | number | null,
  ref: EventRef | null,
]

export interface SerialisedGroup {
  key: string
  group: Record<string, unknown>
  /** Start of a fixed window (conditions with an upper bound), null for sliding windows. */
  start: number | null
  entries: SerialisedEntry[]
}

/** The correlator's whole state as plain JSON: persisted so that a restart keeps its open windows. */
export interface CorrelatorSnapshot {
  version: 1
  evictions: CorrelatorEvictions
  /** Correlation rule key (id, name or file:line) → open groups, least recently touched first. */
  rules: Record<string, SerialisedGroup[]>
}

export interface CorrelatorEvictions {
  groups: number
  values: number
}
