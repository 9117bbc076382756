import { compileDocuments, createDetector, parseRuleFile } from '../sigma/index.js'
import { Correlator } from './correlator.js'
import type { CorrelationMatch, CorrelatorOptions } from './types.js'

export interface CorrelationRun {
  correlator: Correlator
  /** Feeds events (in order) and returns what would be reported: base matches and correlations. */
  feed(events: Record<string, unknown>[]): { base: string[]; correlations: CorrelationMatch[] }
  flush(): CorrelationMatch[]
}

/** Loads a multi-document YAML (rules and correlations) into a detector and a correlator, for tests. */
export function correlationRun(yaml: string, options: CorrelatorOptions = {}): CorrelationRun {
  const parsed = parseRuleFile(yaml, 'correlation.yml')
  const compiled = compileDocuments(parsed.documents)
  const errors = [...parsed.errors, ...compiled.errors]
  if (errors[0] !== undefined) throw errors[0]
  const detector = createDetector(compiled.rules)
  const correlator = new Correlator(compiled.correlations, options)
  let position = 0
  return {
    correlator,
    feed(events) {
      const base: string[] = []
      const correlations: CorrelationMatch[] = []
      for (const event of events) {
        position += 1
        for (const match of detector.match(event)) {
          if (correlator.emits(match.ruleId, match.ruleName)) base.push(match.ruleName ?? match.ruleId)
          const fired = correlator.observeMatch(match, detector.fieldValue, { time: 0, ref: position })
          correlations.push(...fired.filter((hit) => hit.emit))
        }
      }
      return { base, correlations }
    },
    flush: () => correlator.flush().filter((hit) => hit.emit),
  }
}

/** A Windows Security event at `minute` minutes after 2024-05-01 10:00 UTC. */
export function securityEvent(minute: number, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    Channel: 'Security',
    '@timestamp': new Date(Date.UTC(2024, 4, 1, 10, 0) + minute * 60_000).toISOString(),
    ...fields,
  }
}
