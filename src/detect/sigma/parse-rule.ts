import { RuleLoadError, type RuleLocation } from './errors.js'
import { parseDetection } from './parse-detection.js'
import {
  CORRELATION_OPERATORS,
  CORRELATION_TYPES,
  type CorrelationCondition,
  type CorrelationRuleDocument,
  type CorrelationType,
  type FilterDocument,
  type Logsource,
  type SigmaDocument,
  type SigmaRuleDocument,
} from './types.js'
import { mapGet, mergeYaml, parseYamlDocuments, toPlain, type YamlMap, type YamlValue } from './yaml-tree.js'

export interface ParsedRuleFile {
  documents: SigmaDocument[]
  errors: RuleLoadError[]
}

const LEVELS = ['informational', 'low', 'medium', 'high', 'critical']
const STATUSES = ['stable', 'test', 'experimental', 'deprecated', 'unsupported']

/**
 * Parses one YAML file into Sigma documents: detection rules, correlation rules and meta-filters,
 * single- or multi-document, including legacy `action: global|reset|repeat` collections. Each
 * invalid document yields a `RuleLoadError` naming file, line, rule id and field; the valid ones are kept.
 */
export function parseRuleFile(text: string, fileName: string): ParsedRuleFile {
  const documents: SigmaDocument[] = []
  const errors: RuleLoadError[] = []
  let globalPart: YamlValue | undefined
  let previous: YamlValue | undefined
  for (const doc of parseYamlDocuments(text)) {
    const where: RuleLocation = { file: fileName, line: doc.line }
    if (doc.errors.length > 0) {
      for (const error of doc.errors)
        errors.push(new RuleLoadError({ file: fileName, line: error.line }, error.message))
      continue
    }
    if (doc.root === undefined) continue
    if (doc.root.kind !== 'map') {
      errors.push(new RuleLoadError(where, 'a Sigma document must be a YAML map'))
      continue
    }
    const action = scalarString(mapGet(doc.root, 'action')?.value)
    let root: YamlMap = doc.root
    if (action !== undefined) {
      const rest: YamlMap = { ...root, entries: root.entries.filter((entry) => entry.key !== 'action') }
      if (action === 'global') {
        globalPart = globalPart === undefined ? rest : mergeYaml(globalPart, rest)
        continue
      }
      if (action === 'reset') {
        globalPart = undefined
        continue
      }
      if (action === 'repeat') {
        if (previous === undefined) {
          errors.push(new RuleLoadError(where, '"action: repeat" without a previous rule'))
          continue
        }
        root = mergeYaml(previous, rest) as YamlMap
      } else {
        errors.push(new RuleLoadError({ ...where, field: 'action' }, `unknown action "${action}"`))
        continue
      }
    }
    const merged = globalPart === undefined ? root : (mergeYaml(globalPart, root) as YamlMap)
    previous = merged
    try {
      documents.push(readDocument(merged, fileName, doc.line))
    } catch (error) {
      if (error instanceof RuleLoadError) errors.push(error)
      else throw error
    }
  }
  return { documents, errors }
}

function readDocument(map: YamlMap, file: string, line: number): SigmaDocument {
  const id = scalarString(mapGet(map, 'id')?.value)
  const where: RuleLocation = id === undefined ? { file, line } : { file, line, ruleId: id }
  const base = readBase(map, where, file, line)
  if (mapGet(map, 'correlation') !== undefined) return readCorrelation(map, base, where)
  if (mapGet(map, 'filter') !== undefined && mapGet(map, 'detection') === undefined)
    return readFilter(map, base, where)
  return readRule(map, base, where)
}

type Base = Omit<SigmaRuleDocument, 'kind' | 'logsource' | 'detection' | 'fields' | 'falsepositives'>

function readBase(map: YamlMap, where: RuleLocation, file: string, line: number): Base {
  const title = optionalString(map, 'title', where)
  if (title === undefined || title.trim() === '')
    throw new RuleLoadError({ ...where, field: 'title' }, 'missing title')
  const level = optionalString(map, 'level', where)
  if (level !== undefined && !LEVELS.includes(level)) {
    throw new RuleLoadError(fieldWhere(map, 'level', where), `level must be one of ${LEVELS.join(', ')}`)
  }
  const status = optionalString(map, 'status', where)
  if (status !== undefined && !STATUSES.includes(status)) {
    throw new RuleLoadError(fieldWhere(map, 'status', where), `status must be one of ${STATUSES.join(', ')}`)
  }
  const base: Base = {
    title,
    tags: stringList(map, 'tags', where),
    attributes: toPlain(map) as Record<string, unknown>,
    file,
    line,
  }
  const optional = ['id', 'name', 'description', 'author', 'date', 'modified'] as const
  for (const key of optional) {
    const value = optionalString(map, key, where)
    if (value !== undefined) base[key] = value
  }
  if (level !== undefined) base.level = level
  if (status !== undefined) base.status = status
  return base
}

function readRule(map: YamlMap, base: Base, where: RuleLocation): SigmaRuleDocument {
  const detection = mapGet(map, 'detection')
  if (detection === undefined) throw new RuleLoadError({ ...where, field: 'detection' }, 'missing detection')
  if (detection.value.kind !== 'map') {
    throw new RuleLoadError(
      { ...where, line: detection.keyLine, field: 'detection' },
      'detection must be a map',
    )
  }
  const rule: SigmaRuleDocument = {
    ...base,
    kind: 'rule',
    logsource: readLogsource(map, where),
    detection: parseDetection(detection.value, where, 'detection'),
    fields: stringList(map, 'fields', where),
    falsepositives: stringList(map, 'falsepositives', where),
  }
  const regression = optionalString(map, 'regression_tests_path', where)
  if (regression !== undefined) rule.regressionTestsPath = regression
  return rule
}

function readFilter(map: YamlMap, base: Base, where: RuleLocation): FilterDocument {
  const filter = mapGet(map, 'filter')!
  if (filter.value.kind !== 'map') {
    throw new RuleLoadError({ ...where, line: filter.keyLine, field: 'filter' }, 'filter must be a map')
  }
  const rules = stringList(filter.value, 'rules', { ...where, field: 'filter.rules' })
  if (rules.length === 0) {
    throw new RuleLoadError(
      { ...where, line: filter.keyLine, field: 'filter.rules' },
      'a filter must name the rules it applies to',
    )
  }
  return {
    ...base,
    kind: 'filter',
    logsource: readLogsource(map, where),
    rules,
    detection: parseDetection(filter.value, where, 'filter', ['rules']),
  }
}

function readLogsource(map: YamlMap, where: RuleLocation): Logsource {
  const entry = mapGet(map, 'logsource')
  if (entry === undefined) throw new RuleLoadError({ ...where, field: 'logsource' }, 'missing logsource')
  if (entry.value.kind !== 'map') {
    throw new RuleLoadError({ ...where, line: entry.keyLine, field: 'logsource' }, 'logsource must be a map')
  }
  const logsource: Logsource = {}
  for (const key of ['product', 'category', 'service', 'definition'] as const) {
    const value = optionalString(entry.value, key, { ...where, field: `logsource.${key}` })
    if (value !== undefined) logsource[key] = value
  }
  return logsource
}

function readCorrelation(map: YamlMap, base: Base, where: RuleLocation): CorrelationRuleDocument {
  const entry = mapGet(map, 'correlation')!
  const at = (field: string, line = entry.keyLine): RuleLocation => ({
    ...where,
    line,
    field: `correlation.${field}`,
  })
  if (entry.value.kind !== 'map') throw new RuleLoadError(at(''), 'correlation must be a map')
  const section = entry.value
  const type = optionalString(section, 'type', at('type'))
  if (type === undefined || !(CORRELATION_TYPES as readonly string[]).includes(type)) {
    throw new RuleLoadError(at('type'), `type must be one of ${CORRELATION_TYPES.join(', ')}`)
  }
  const correlationType = type as CorrelationType
  const rules = stringList(section, 'rules', at('rules'))
  if (rules.length === 0) throw new RuleLoadError(at('rules'), 'rules must name at least one rule')
  const timespan = optionalString(section, 'timespan', at('timespan'))
  const timespanMs = timespan === undefined ? undefined : parseTimespan(timespan)
  if (timespan === undefined || timespanMs === undefined) {
    throw new RuleLoadError(at('timespan'), 'timespan must be a number followed by s, m, h or d (e.g. 90m)')
  }
  const groupBy = stringList(section, 'group-by', at('group-by'))
  const condition = readCorrelationCondition(section, correlationType, at)
  const aliases = readAliases(section, at)
  const generateEntry = mapGet(section, 'generate')
  let generate = false
  if (generateEntry !== undefined) {
    if (generateEntry.value.kind !== 'scalar' || typeof generateEntry.value.value !== 'boolean') {
      throw new RuleLoadError(at('generate', generateEntry.keyLine), 'generate must be true or false')
    }
    generate = generateEntry.value.value
  }
  const level = base.level
  const correlation: CorrelationRuleDocument = {
    ...base,
    kind: 'correlation',
    type: correlationType,
    rules,
    groupBy,
    timespan,
    timespanMs,
    aliases,
    generate,
  }
  if (condition !== undefined) correlation.condition = condition
  if (level !== undefined) correlation.level = level
  return correlation
}

function readCorrelationCondition(
  section: YamlMap,
  type: CorrelationType,
  at: (field: string, line?: number) => RuleLocation,
): CorrelationCondition | undefined {
  const entry = mapGet(section, 'condition')
  const temporal = type === 'temporal' || type === 'temporal_ordered'
  if (entry === undefined) {
    if (temporal) return undefined
    throw new RuleLoadError(at('condition'), `a ${type} correlation needs a condition`)
  }
  if (entry.value.kind !== 'map' || entry.value.entries.length === 0) {
    throw new RuleLoadError(at('condition', entry.keyLine), 'condition must be a map such as { gte: 10 }')
  }
  const condition: CorrelationCondition = { comparisons: {} }
  for (const item of entry.value.entries) {
    if (item.key === 'field') {
      const fields =
        item.value.kind === 'seq'
          ? item.value.items.map((value) => scalarString(value))
          : [scalarString(item.value)]
      if (fields.length === 0 || fields.some((field) => field === undefined)) {
        throw new RuleLoadError(
          at('condition.field', item.keyLine),
          'field must be a field name or a list of them',
        )
      }
      condition.field = fields as string[]
      continue
    }
    if (item.key === 'percentile' && type === 'value_percentile') {
      const percentile = item.value.kind === 'scalar' ? item.value.value : undefined
      if (typeof percentile !== 'number' || percentile < 0 || percentile > 100) {
        throw new RuleLoadError(
          at('condition.percentile', item.keyLine),
          'percentile must be a number from 0 to 100',
        )
      }
      condition.percentile = percentile
      continue
    }
    if (!(CORRELATION_OPERATORS as readonly string[]).includes(item.key)) {
      throw new RuleLoadError(
        at(`condition.${item.key}`, item.keyLine),
        `unknown operator "${item.key}" (expected ${CORRELATION_OPERATORS.join(', ')}, field)`,
      )
    }
    if (item.value.kind !== 'scalar' || typeof item.value.value !== 'number') {
      throw new RuleLoadError(at(`condition.${item.key}`, item.keyLine), 'the threshold must be a number')
    }
    condition.comparisons[item.key as keyof CorrelationCondition['comparisons']] = item.value.value
  }
  if (Object.keys(condition.comparisons).length === 0) {
    throw new RuleLoadError(
      at('condition', entry.keyLine),
      'condition needs at least one of gt, gte, lt, lte, eq, neq',
    )
  }
  const needsField = type !== 'event_count' && !temporal
  if (needsField && condition.field === undefined) {
    throw new RuleLoadError(
      at('condition.field', entry.keyLine),
      `a ${type} correlation needs condition.field`,
    )
  }
  return condition
}

function readAliases(
  section: YamlMap,
  at: (field: string, line?: number) => RuleLocation,
): Record<string, Record<string, string>> {
  const entry = mapGet(section, 'aliases')
  if (entry === undefined) return {}
  if (entry.value.kind !== 'map')
    throw new RuleLoadError(at('aliases', entry.keyLine), 'aliases must be a map')
  const aliases: Record<string, Record<string, string>> = {}
  for (const alias of entry.value.entries) {
    if (alias.value.kind !== 'map') {
      throw new RuleLoadError(
        at(`aliases.${alias.key}`, alias.keyLine),
        'an alias maps rule names to field names',
      )
    }
    const perRule: Record<string, string> = {}
    for (const ruleField of alias.value.entries) {
      const field = scalarString(ruleField.value)
      if (field === undefined) {
        throw new RuleLoadError(
          at(`aliases.${alias.key}.${ruleField.key}`, ruleField.keyLine),
          'must be a field name',
        )
      }
      perRule[ruleField.key] = field
    }
    aliases[alias.key] = perRule
  }
  return aliases
}

const TIMESPAN_UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `90m` → 5,400,000 ms; undefined when not `number + s|m|h|d`. */
export function parseTimespan(text: string): number | undefined {
  const match = /^(\d+)([smhd])$/.exec(text.trim())
  if (match === null) return undefined
  return Number(match[1]) * TIMESPAN_UNITS[match[2]!]!
}

function scalarString(value: YamlValue | undefined): string | undefined {
  if (value === undefined || value.kind !== 'scalar' || value.value === null) return undefined
  return typeof value.value === 'string' ? value.value : value.text
}

function fieldWhere(map: YamlMap, key: string, where: RuleLocation): RuleLocation {
  const entry = mapGet(map, key)
  return { ...where, line: entry?.keyLine ?? where.line, field: where.field ?? key }
}

function optionalString(map: YamlMap, key: string, where: RuleLocation): string | undefined {
  const entry = mapGet(map, key)
  if (entry === undefined) return undefined
  if (entry.value.kind === 'scalar' && entry.value.value === null) return undefined
  const value = scalarString(entry.value)
  if (value === undefined) throw new RuleLoadError(fieldWhere(map, key, where), `${key} must be a string`)
  return value
}

function stringList(map: YamlMap, key: string, where: RuleLocation): string[] {
  const entry = mapGet(map, key)
  if (entry === undefined) return []
  const value = entry.value
  if (value.kind === 'scalar') {
    if (value.value === null) return []
    return [scalarString(value)!]
  }
  if (value.kind !== 'seq')
    throw new RuleLoadError(fieldWhere(map, key, where), `${key} must be a list of strings`)
  return value.items.map((item) => {
    const text = scalarString(item)
    if (text === undefined) {
      throw new RuleLoadError(
        { ...fieldWhere(map, key, where), line: item.line },
        `${key} must be a list of strings`,
      )
    }
    return text
  })
}
