import type { EventView } from '../mapping/event-view.js'
import { type CompiledItem, type CompileOptions, compileItem } from './compile-item.js'
import { identifierPatternMatcher } from './condition-parser.js'
import { RuleLoadError, type RuleLocation } from './errors.js'
import type { ConditionNode, Detection, FilterDocument, SearchExpr, SigmaRuleDocument } from './types.js'

/** A compiled condition tree: closures for speed, the shape kept for explaining a match. */
export type MatchNode =
  | { kind: 'and' | 'or'; items: MatchNode[]; test: (view: EventView) => boolean }
  | { kind: 'not'; item: MatchNode; test: (view: EventView) => boolean }
  | { kind: 'item'; item: CompiledItem; test: (view: EventView) => boolean }

/** A detection rule ready to run. */
export interface CompiledRule {
  /** Rule id, or `file:line` for a rule without one. */
  id: string
  name: string | undefined
  title: string
  level: string | undefined
  status: string | undefined
  tags: string[]
  logsource: SigmaRuleDocument['logsource']
  document: SigmaRuleDocument
  /** Meta-filters applied to this rule (their ids or titles). */
  filters: string[]
  root: MatchNode
}

export function compileRule(rule: SigmaRuleDocument, options: CompileOptions = {}): CompiledRule {
  const where: RuleLocation = {
    file: rule.file,
    line: rule.line,
    ...(rule.id === undefined ? {} : { ruleId: rule.id }),
  }
  return {
    id: rule.id ?? `${rule.file}:${rule.line}`,
    name: rule.name,
    title: rule.title,
    level: rule.level,
    status: rule.status,
    tags: rule.tags,
    logsource: rule.logsource,
    document: rule,
    filters: [],
    root: compileDetection(rule.detection, where, options),
  }
}

/** `rule and not filter` for a meta-filter; the filter's identifiers are compiled in their own scope. */
export function applyFilter(
  rule: CompiledRule,
  filter: FilterDocument,
  options: CompileOptions = {},
): CompiledRule {
  const where: RuleLocation = {
    file: filter.file,
    line: filter.line,
    ...(filter.id === undefined ? {} : { ruleId: filter.id }),
  }
  const excluded = compileDetection(filter.detection, where, options)
  return {
    ...rule,
    filters: [...rule.filters, filter.id ?? filter.title],
    root: andNode([rule.root, notNode(excluded)]),
  }
}

export function compileDetection(
  detection: Detection,
  where: RuleLocation,
  options: CompileOptions,
): MatchNode {
  const searches = new Map<string, MatchNode>()
  for (const [name, search] of detection.searches)
    searches.set(name, compileSearch(search.expr, where, options))
  const names = [...detection.searches.keys()]
  const build = (node: ConditionNode): MatchNode => {
    switch (node.kind) {
      case 'ref':
        return searches.get(node.name)!
      case 'not':
        return notNode(build(node.item))
      case 'and':
        return andNode(node.items.map(build))
      case 'or':
        return orNode(node.items.map(build))
      case 'of': {
        const matches =
          node.pattern === 'them'
            ? (name: string) => !name.startsWith('_')
            : identifierPatternMatcher(node.pattern)
        const selected = names.filter(matches).map((name) => searches.get(name)!)
        if (selected.length === 0) {
          throw new RuleLoadError(
            { ...where, line: detection.line, field: 'detection.condition' },
            `"${node.quantifier === 'one' ? '1' : 'all'} of ${node.pattern}" matches no search identifier`,
          )
        }
        return node.quantifier === 'one' ? orNode(selected) : andNode(selected)
      }
    }
  }
  return build(detection.condition)
}

function compileSearch(expr: SearchExpr, where: RuleLocation, options: CompileOptions): MatchNode {
  if (expr.kind === 'field') {
    const item = compileItem(expr, where, options)
    return { kind: 'item', item, test: item.test }
  }
  const items = expr.items.map((child) => compileSearch(child, where, options))
  return expr.kind === 'and' ? andNode(items) : orNode(items)
}

export function notNode(item: MatchNode): MatchNode {
  const inner = item.test
  return { kind: 'not', item, test: (view) => !inner(view) }
}

export function andNode(items: MatchNode[]): MatchNode {
  if (items.length === 1) return items[0]!
  const tests = items.map((item) => item.test)
  if (tests.length === 2) {
    const [first, second] = tests as [MatchNode['test'], MatchNode['test']]
    return { kind: 'and', items, test: (view) => first(view) && second(view) }
  }
  return {
    kind: 'and',
    items,
    test: (view) => {
      for (let index = 0; index < tests.length; index++) if (!tests[index]!(view)) return false
      return true
    },
  }
}

export function orNode(items: MatchNode[]): MatchNode {
  if (items.length === 1) return items[0]!
  const tests = items.map((item) => item.test)
  if (tests.length === 2) {
    const [first, second] = tests as [MatchNode['test'], MatchNode['test']]
    return { kind: 'or', items, test: (view) => first(view) || second(view) }
  }
  return {
    kind: 'or',
    items,
    test: (view) => {
      for (let index = 0; index < tests.length; index++) if (tests[index]!(view)) return true
      return false
    },
  }
}

/** The field values that made a matching rule match (items under `not` are not reported). */
export function explainMatch(node: MatchNode, view: EventView, out: Record<string, unknown>): void {
  switch (node.kind) {
    case 'and':
      for (const item of node.items) explainMatch(item, view, out)
      return
    case 'or': {
      const first = node.items.find((item) => item.test(view))
      if (first !== undefined) explainMatch(first, view, out)
      return
    }
    case 'item': {
      const field = node.item.field
      if (field === null) {
        const matched = node.item.matchedKeywords?.(view) ?? []
        const previous = Array.isArray(out.keywords) ? (out.keywords as unknown[]) : []
        out.keywords = [...previous, ...matched]
        return
      }
      out[field.name] = view.get(field) ?? null
      return
    }
    case 'not':
      return
  }
}
