import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml'
import { readYamlEvents } from './yaml-events.js'

/**
 * A YAML value with the line it came from. Rules are read into this tree (not plain JS values) so
 * that every validation error can name its line, and so that a plain scalar keeps its source text:
 * `GrantedAccess: 0x1410` must match the text `0x1410`, not the number 5136.
 */
export type YamlValue = YamlMap | YamlSeq | YamlScalar

export interface YamlMap {
  kind: 'map'
  line: number
  entries: YamlEntry[]
}

export interface YamlEntry {
  key: string
  keyLine: number
  value: YamlValue
}

export interface YamlSeq {
  kind: 'seq'
  line: number
  items: YamlValue[]
}

export interface YamlScalar {
  kind: 'scalar'
  line: number
  value: string | number | boolean | null
  /** The text as written (for numbers: `0x10`, `012`, `1.50`). */
  text: string
}

export interface YamlDocument {
  /** 1-based line where the document starts. */
  line: number
  root: YamlValue | undefined
  errors: { line: number; message: string }[]
}

/**
 * Reads a rule file. The fast event reader takes the common case; the `yaml` package reads what it
 * does not (tags, anchors, aliases, duplicate keys, syntax errors), for its exact error messages.
 */
export function parseYamlDocuments(text: string): YamlDocument[] {
  return readYamlEvents(text) ?? parseYamlDocumentsExact(text)
}

/** The `yaml` package's reading: every error and warning of every document, with its line. */
export function parseYamlDocumentsExact(text: string): YamlDocument[] {
  const lineCounter = new LineCounter()
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true })
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line)
  const list = Array.isArray(docs) ? docs : [docs]
  return list.map((doc) => {
    const errors = [...doc.errors, ...doc.warnings].map((error) => ({
      line: error.linePos?.[0]?.line ?? lineOf(error.pos[0]),
      message: error.message.split('\n')[0] ?? error.message,
    }))
    let root: YamlValue | undefined
    try {
      root = doc.contents === null ? undefined : convert(doc.contents as Node, lineOf)
    } catch (error) {
      if (!(error instanceof YamlShapeError)) throw error
      errors.push({ line: error.line, message: error.message })
    }
    const start = (doc.contents as Node | null)?.range?.[0] ?? doc.range[0]
    return { line: lineOf(start), root, errors }
  })
}

class YamlShapeError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message)
  }
}

function convert(node: Node, lineOf: (offset: number | undefined) => number): YamlValue {
  const line = lineOf(node.range?.[0])
  if (isScalar(node)) {
    const raw = node.value
    const value =
      raw === null || typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean'
        ? raw
        : String(raw)
    const text = typeof raw === 'string' ? raw : (node.source ?? String(raw))
    return { kind: 'scalar', line, value, text }
  }
  if (isMap(node)) {
    const entries: YamlEntry[] = []
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null
      if (!isScalar(keyNode)) throw new YamlShapeError(line, 'map keys must be plain values')
      const keyLine = lineOf(keyNode.range?.[0])
      const valueNode = pair.value as Node | null
      const value: YamlValue =
        valueNode === null
          ? { kind: 'scalar', line: keyLine, value: null, text: '' }
          : convert(valueNode, lineOf)
      entries.push({ key: String(keyNode.value), keyLine, value })
    }
    return { kind: 'map', line, entries }
  }
  if (isSeq(node)) {
    return { kind: 'seq', line, items: node.items.map((item) => convert(item as Node, lineOf)) }
  }
  if (isAlias(node)) throw new YamlShapeError(line, 'YAML aliases are not allowed in Sigma rules')
  throw new YamlShapeError(line, 'unexpected YAML node')
}

export function mapGet(map: YamlMap, key: string): YamlEntry | undefined {
  return map.entries.find((entry) => entry.key === key)
}

/** Plain JS value of a tree (for metadata the engine only passes through). */
export function toPlain(value: YamlValue): unknown {
  if (value.kind === 'scalar') return value.value
  if (value.kind === 'seq') return value.items.map(toPlain)
  return Object.fromEntries(value.entries.map((entry) => [entry.key, toPlain(entry.value)]))
}

/** Deep merge for legacy `action: global` collections: maps merge key by key, the rest is replaced. */
export function mergeYaml(base: YamlValue, over: YamlValue): YamlValue {
  if (base.kind !== 'map' || over.kind !== 'map') return over
  const entries = base.entries.map((entry) => ({ ...entry }))
  for (const entry of over.entries) {
    const existing = entries.find((candidate) => candidate.key === entry.key)
    if (existing === undefined) entries.push(entry)
    else existing.value = mergeYaml(existing.value, entry.value)
  }
  return { kind: 'map', line: over.line, entries }
}
