/**
 * Watchfloor's Sigma engine (specification v2.1): parse, compile and run Sigma rules.
 *
 *   const { rules, errors } = await loadRules(['rules/'], { placeholders: { Admins: ['adm_*'] } })
 *   const detector = createDetector(rules)               // defaultMappingConfig: Windows + CloudTrail
 *   for (const match of detector.match(event)) …         // RuleMatch: rule id, title, level, fields
 *
 * - `parseRuleFile(text, fileName)`: documents of one YAML file (rules, correlations, filters) and
 *   the errors of the invalid ones, with file, line, rule id and field.
 * - `loadRules(paths, options)`: files and directories → compiled rules (meta-filters applied),
 *   validated correlation rules, and every load error. Nothing is skipped silently.
 * - `createDetector(rules, mappingConfig?)`: routes each event to the rules of its log source
 *   (mapping config: Windows channels/EventIDs as in SigmaHQ's thor.yml, evtx_dump, flat and ECS
 *   shapes, dotted paths) and returns `RuleMatch`es. Regular expressions run on RE2 (linear time).
 *
 * Correlation rules are parsed and validated here; a correlation engine consumes `RuleMatch`
 * (`ruleId`, `ruleName`, `timestamp`, `event`) and reads group-by fields with `detector.fieldValue`.
 */

export {
  defaultMappingConfig,
  type LogsourceMapping,
  type LogsourceSelector,
  type MappingConfig,
  mergeMappingConfig,
  type SourceCondition,
} from '../mapping/mapping-config.js'
export type { CompileOptions } from './compile-item.js'
export type { CompiledRule } from './compile-rule.js'
export { compileRule } from './compile-rule.js'
export type { Detector, DetectorOptions, RuleMatch } from './detector.js'
export { createDetector } from './detector.js'
export { formatLocation, RuleLoadError, type RuleLocation, UnsupportedRuleError } from './errors.js'
export { compileDocuments, type LoadedRules, type LoadRulesOptions, loadRules } from './load-rules.js'
export { type ParsedRuleFile, parseRuleFile } from './parse-rule.js'
export type { PlaceholderValues } from './transforms.js'
export type {
  CorrelationCondition,
  CorrelationRuleDocument,
  CorrelationType,
  FilterDocument,
  Logsource,
  SigmaDocument,
  SigmaRuleDocument,
} from './types.js'
