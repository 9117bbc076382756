import { ConditionSyntaxError, parseCondition } from './condition-parser.js'
import { RuleLoadError, type RuleLocation } from './errors.js'
import type { ConditionNode, Detection, FieldItem, RuleValue, SearchExpr, SearchIdentifier } from './types.js'
import type { YamlMap, YamlValue } from './yaml-tree.js'

/** Reads a `detection:` map (or a filter's `filter:` map, minus `rules`) into search identifiers and a condition. */
export function parseDetection(
  map: YamlMap,
  where: RuleLocation,
  section: string,
  skipKeys: string[] = [],
): Detection {
  const searches = new Map<string, SearchIdentifier>()
  let conditionEntry: { value: YamlValue; line: number } | undefined
  for (const entry of map.entries) {
    if (entry.key === 'condition') {
      conditionEntry = { value: entry.value, line: entry.keyLine }
      continue
    }
    if (skipKeys.includes(entry.key)) continue
    if (entry.key === 'timeframe') {
      throw new RuleLoadError(
        { ...where, line: entry.keyLine, field: `${section}.timeframe` },
        'unsupported construct: "timeframe" (Sigma v1 aggregation); use a correlation rule',
        'sigma_rule_unsupported',
      )
    }
    const path = `${section}.${entry.key}`
    searches.set(entry.key, {
      name: entry.key,
      line: entry.keyLine,
      expr: parseSearch(entry.value, { ...where, line: entry.keyLine, field: path }, path),
    })
  }
  if (conditionEntry === undefined) {
    throw new RuleLoadError({ ...where, line: map.line, field: `${section}.condition` }, 'missing condition')
  }
  const conditionText = conditionStrings(conditionEntry.value, { ...where, line: conditionEntry.line })
  const conditions = conditionText.map((text) => {
    try {
      return parseCondition(text)
    } catch (error) {
      if (!(error instanceof ConditionSyntaxError)) throw error
      throw new RuleLoadError(
        { ...where, line: conditionEntry.line, field: `${section}.condition` },
        `invalid condition "${text}": ${error.message}`,
      )
    }
  })
  const condition: ConditionNode =
    conditions.length === 1 ? conditions[0]! : { kind: 'or', items: conditions }
  for (const name of referencedNames(condition)) {
    if (!searches.has(name)) {
      throw new RuleLoadError(
        { ...where, line: conditionEntry.line, field: `${section}.condition` },
        `condition refers to undefined search identifier "${name}"`,
      )
    }
  }
  return { searches, condition, conditionText, line: map.line }
}

function conditionStrings(value: YamlValue, where: RuleLocation): string[] {
  const field = 'detection.condition'
  if (value.kind === 'scalar' && typeof value.value === 'string' && value.value.trim() !== '')
    return [value.value]
  if (value.kind === 'seq' && value.items.length > 0) {
    return value.items.map((item) => {
      if (item.kind === 'scalar' && typeof item.value === 'string') return item.value
      throw new RuleLoadError({ ...where, line: item.line, field }, 'each condition must be a string')
    })
  }
  throw new RuleLoadError({ ...where, field }, 'condition must be a string or a list of strings')
}

function referencedNames(node: ConditionNode): string[] {
  switch (node.kind) {
    case 'ref':
      return [node.name]
    case 'not':
      return referencedNames(node.item)
    case 'and':
    case 'or':
      return node.items.flatMap(referencedNames)
    case 'of':
      return []
  }
}

function parseSearch(value: YamlValue, where: RuleLocation, path: string): SearchExpr {
  if (value.kind === 'map') return parseFieldMap(value, where, path)
  if (value.kind === 'seq') {
    if (value.items.length === 0) throw new RuleLoadError(where, 'empty search identifier')
    const keywords = value.items.filter((item) => item.kind === 'scalar')
    const maps = value.items.filter((item) => item.kind !== 'scalar')
    const items: SearchExpr[] = maps.map((item, index) => {
      if (item.kind !== 'map') {
        throw new RuleLoadError(
          { ...where, line: item.line },
          'nested lists are not allowed in a search identifier',
        )
      }
      return parseFieldMap(item, { ...where, line: item.line }, `${path}[${index}]`)
    })
    if (keywords.length > 0) {
      items.unshift({
        kind: 'field',
        field: null,
        modifiers: [],
        values: keywords.map((item) => ruleValue(item, where)),
        line: value.line,
        path,
      })
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items }
  }
  return {
    kind: 'field',
    field: null,
    modifiers: [],
    values: [ruleValue(value, where)],
    line: value.line,
    path,
  }
}

function parseFieldMap(map: YamlMap, where: RuleLocation, path: string): SearchExpr {
  if (map.entries.length === 0)
    throw new RuleLoadError({ ...where, line: map.line }, 'empty search identifier')
  const items: FieldItem[] = map.entries.map((entry) => {
    const [field = '', ...modifiers] = entry.key.split('|')
    const itemPath = `${path}.${entry.key}`
    const itemWhere = { ...where, line: entry.keyLine, field: itemPath }
    const values = valueList(entry.value, itemWhere)
    return {
      kind: 'field',
      field: field === '' ? null : field,
      modifiers,
      values,
      line: entry.keyLine,
      path: itemPath,
    }
  })
  return items.length === 1 ? items[0]! : { kind: 'and', items }
}

function valueList(value: YamlValue, where: RuleLocation): RuleValue[] {
  if (value.kind === 'seq') {
    if (value.items.length === 0) throw new RuleLoadError(where, 'empty list of values')
    return value.items.map((item) => ruleValue(item, { ...where, line: item.line }))
  }
  return [ruleValue(value, where)]
}

function ruleValue(value: YamlValue, where: RuleLocation): RuleValue {
  if (value.kind !== 'scalar') {
    throw new RuleLoadError(
      { ...where, line: value.line },
      'a field value must be a string, number, boolean or null',
    )
  }
  return { value: value.value, text: value.text, line: value.line }
}
