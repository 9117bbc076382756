import { type CorrelationMatch, Correlator, type EventRef } from '../correlate/index.js'
import {
  type CompiledRule,
  type CorrelationRuleDocument,
  createDetector,
  type Detector,
  type MappingConfig,
  mergeMappingConfig,
  type RuleMatch,
} from '../sigma/index.js'

/**
 * What a finding and a correlation need of a rule match: a `RuleMatch` without its compiled
 * rule, so that a scan worker can send it to the thread that writes the findings. `event` may be
 * left out when no correlation refers to the rule.
 */
export type ScanMatch = Pick<
  RuleMatch,
  'ruleId' | 'ruleName' | 'title' | 'level' | 'tags' | 'matchedFields' | 'timestamp'
> & { event?: Record<string, unknown> | undefined }

/** Times below this (1973) are event positions, not event times. */
const POSITIONAL_TIME_LIMIT = 1e11

/** One finding of an offline run: a rule matching an event, or a correlation over several. */
export interface Finding {
  kind: 'sigma' | 'correlation'
  ruleId: string
  title: string
  level: string
  tags: string[]
  /** Event time (sigma) or window end (correlation), when known. */
  time: Date | undefined
  /** Where the event is (`file:record`), or the newest event of a correlation. */
  where: string | undefined
  /** Matched fields (sigma) or the group (correlation). */
  details: Record<string, unknown>
}

export interface ScanEngineOptions {
  /**
   * Rules for sources the mapping does not describe (Linux, Okta, GitHub, Zeek…): `always` runs
   * them on every event, as an offline triage tool should; `never` leaves them out.
   */
  unmappedRules?: MappingConfig['unmappedRules']
}

/**
 * Compiled rules and correlations over a stream of events, as `watchfloor scan` and `rules test`
 * run them: base matches that only feed a correlation (no `generate: true`) are not reported.
 */
export class ScanEngine {
  readonly detector: Detector
  readonly correlator: Correlator
  #position = 0

  constructor(
    rules: readonly CompiledRule[],
    correlations: readonly CorrelationRuleDocument[],
    options: ScanEngineOptions = {},
  ) {
    this.detector = createDetector(
      rules,
      mergeMappingConfig({ unmappedRules: options.unmappedRules ?? 'always' }),
    )
    this.correlator = new Correlator(correlations)
  }

  /** Runs one event; `where` names it in findings. */
  scan(event: Record<string, unknown>, where?: string): Finding[] {
    return this.observe(this.detector.match(event), where)
  }

  /**
   * The findings of one event's matches, found here or by a scan worker (the event of a match
   * is needed only when a correlation refers to its rule); the event counts for positions either way.
   */
  observe(matches: readonly ScanMatch[], where?: string): Finding[] {
    this.#position += 1
    const findings: Finding[] = []
    for (const match of matches) {
      if (this.correlator.emits(match.ruleId, match.ruleName)) findings.push(sigmaFinding(match, where))
      if (this.correlator.size === 0 || !hasEvent(match)) continue
      const ref: EventRef = where ?? this.#position
      const fired = this.correlator.observeMatch(match, this.detector.fieldValue, {
        time: match.timestamp?.getTime() ?? this.#position,
        ref,
      })
      for (const hit of fired) if (hit.emit) findings.push(correlationFinding(hit))
    }
    return findings
  }

  /** Advances the position over events that had no match (counted elsewhere, by a scan worker). */
  skip(events: number): void {
    this.#position += events
  }

  /** End of input: judges the windows still open. */
  finish(): Finding[] {
    return this.correlator
      .flush()
      .filter((hit) => hit.emit)
      .map(correlationFinding)
  }
}

function hasEvent(match: ScanMatch): match is ScanMatch & { event: Record<string, unknown> } {
  return match.event !== undefined
}

function sigmaFinding(match: ScanMatch, where: string | undefined): Finding {
  return {
    kind: 'sigma',
    ruleId: match.ruleId,
    title: match.title,
    level: match.level ?? 'medium',
    tags: match.tags,
    time: match.timestamp,
    where,
    details: match.matchedFields,
  }
}

function correlationFinding(hit: CorrelationMatch): Finding {
  const last = hit.refs.at(-1)
  return {
    kind: 'correlation',
    ruleId: hit.ruleId,
    title: hit.title,
    level: hit.level ?? 'medium',
    tags: hit.tags,
    // Events without a timestamp are timed by their position (1 ms apart): no wall-clock time to show.
    time: hit.windowEnd.getTime() > POSITIONAL_TIME_LIMIT ? hit.windowEnd : undefined,
    where: last === undefined ? undefined : String(last),
    details: { ...hit.group, [hit.type]: hit.value, events: hit.count },
  }
}
