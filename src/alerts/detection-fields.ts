import type { AlertEntities, DetectionRow } from '../store/schema.js'
import { emptyEntities, extractEntities } from './alert-metadata.js'

/**
 * Fields of a detection that grouping, suppression and exceptions look at. Entity fields
 * (host, user, ip…) are the entities extracted from the detection; `matched.<Field>` is a
 * matched event field as the rule named it (`matched.CommandLine`).
 */
export const DETECTION_FIELDS = [
  'ruleId',
  'ruleTitle',
  'source',
  'dataset',
  'tag',
  'host',
  'user',
  'ip',
  'process',
  'hash',
  'domain',
  'url',
  'file',
] as const

/** ECS-style names people type, for the fields above. */
const ALIASES: Record<string, string> = {
  'host.name': 'host',
  'user.name': 'user',
  'source.ip': 'ip',
  'destination.ip': 'ip',
  'process.executable': 'process',
  'rule.id': 'ruleId',
  'rule.name': 'ruleTitle',
  'event.dataset': 'dataset',
}

const ENTITY_KIND: Record<string, keyof AlertEntities> = {
  host: 'hosts',
  user: 'users',
  ip: 'ips',
  process: 'processes',
  hash: 'hashes',
  domain: 'domains',
  url: 'urls',
  file: 'files',
}

export const MATCHED_PREFIX = 'matched.'

/** The canonical name of a field, or undefined when it is not one a detection has. */
export function canonicalField(field: string): string | undefined {
  const name = ALIASES[field] ?? field
  if ((DETECTION_FIELDS as readonly string[]).includes(name)) return name
  if (name.startsWith(MATCHED_PREFIX) && name.length > MATCHED_PREFIX.length && name.length <= 200)
    return name
  return undefined
}

export type DetectionSubject = Pick<
  DetectionRow,
  'rule_id' | 'rule_title' | 'source' | 'tags' | 'context' | 'matched'
>

/** A detection read once for matching: its entities are extracted on first use. */
export class DetectionView {
  #entities: AlertEntities | undefined

  constructor(readonly detection: DetectionSubject) {}

  get context(): Record<string, unknown> {
    return (this.detection.context ?? {}) as Record<string, unknown>
  }

  get entities(): AlertEntities {
    this.#entities ??= extractEntities(emptyEntities(), this.context, this.detection.matched ?? {})
    return this.#entities
  }

  /** Every value of a canonical field (list fields give several, a missing one none). */
  values(field: string): string[] {
    const detection = this.detection
    switch (field) {
      case 'ruleId':
        return [detection.rule_id]
      case 'ruleTitle':
        return [detection.rule_title]
      case 'source':
        return detection.source ? [detection.source] : []
      case 'dataset':
        return typeof this.context.dataset === 'string' ? [this.context.dataset] : []
      case 'tag':
        return detection.tags
    }
    const kind = ENTITY_KIND[field]
    if (kind) return this.entities[kind]
    if (field.startsWith(MATCHED_PREFIX)) {
      const value = detection.matched?.[field.slice(MATCHED_PREFIX.length)]
      if (value === undefined || value === null) return []
      if (Array.isArray(value)) return value.map(String)
      return [typeof value === 'object' ? JSON.stringify(value) : String(value)]
    }
    return []
  }
}
