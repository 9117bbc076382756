/**
 * Sigma correlation rules over rule matches (event_count, value_count, temporal, temporal_ordered,
 * value_sum, value_avg, value_percentile, value_median), with group-by, aliases, generate and
 * correlations of correlations:
 *
 *   const correlator = new Correlator(loaded.correlations, { maxGroupsPerRule: 10_000 })
 *   for (const match of detector.match(event)) {
 *     if (correlator.emits(match.ruleId, match.ruleName)) report(match)
 *     for (const hit of correlator.observeMatch(match, detector.fieldValue, { time: Date.now() }))
 *       if (hit.emit) report(hit)
 *   }
 *   correlator.flush()                     // end of input: windows with an upper bound are judged
 *   const state = correlator.snapshot()    // JSON; restore(state) after a restart
 */
export { aggregate, conditionHolds, percentile } from './aggregate.js'
export { Correlator, correlationId } from './correlator.js'
export type {
  CorrelationHit,
  CorrelationMatch,
  CorrelatorEvictions,
  CorrelatorOptions,
  CorrelatorSnapshot,
  EventRef,
} from './types.js'
