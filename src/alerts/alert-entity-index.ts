import type { ExpressionBuilder, Kysely, Transaction } from 'kysely'
import { z } from 'zod'
import type { AlertEntities, Database } from '../store/schema.js'

/** `entities` keys (plural) → the kind stored in alert_entities and filtered on. */
const ENTITY_KINDS = new Map<string, AlertEntityKind>([
  ['hosts', 'host'],
  ['users', 'user'],
  ['ips', 'ip'],
  ['processes', 'process'],
  ['hashes', 'hash'],
  ['domains', 'domain'],
  ['urls', 'url'],
  ['files', 'file'],
])

export const ALERT_ENTITY_KINDS = ['host', 'user', 'ip', 'process', 'hash', 'domain', 'url', 'file'] as const
export type AlertEntityKind = (typeof ALERT_ENTITY_KINDS)[number]

/** Longest value kept in the index; longer ones are indexed by their start. */
const MAX_VALUE = 1_000

/** (kind, lower-cased value) pairs of an `entities` object, without duplicates. */
export function entityRows(entities: unknown): [AlertEntityKind, string][] {
  if (entities === null || typeof entities !== 'object') return []
  const seen = new Set<string>()
  const rows: [AlertEntityKind, string][] = []
  for (const [plural, values] of Object.entries(entities)) {
    const kind = ENTITY_KINDS.get(plural)
    if (kind === undefined || !Array.isArray(values)) continue
    for (const value of values) {
      if (typeof value !== 'string' || value === '') continue
      const lower = value.toLowerCase().slice(0, MAX_VALUE)
      const key = `${kind}\u0000${lower}`
      if (seen.has(key)) continue
      seen.add(key)
      rows.push([kind, lower])
    }
  }
  return rows
}

/**
 * Rewrites the entity index of one alert, in the transaction that changed its entities: the list
 * filters alerts by host, user, ip … through it (`alertEntityCondition`).
 */
export async function indexAlertEntities(
  trx: Transaction<Database> | Kysely<Database>,
  alertId: number,
  entities: AlertEntities,
): Promise<void> {
  await trx.deleteFrom('alert_entities').where('alert_id', '=', alertId).execute()
  const rows = entityRows(entities).map(([kind, value]) => ({ alert_id: alertId, kind, value }))
  if (rows.length > 0) await trx.insertInto('alert_entities').values(rows).execute()
}

/** Alerts with this entity (case-insensitive, whole value). */
export function alertEntityCondition(
  e: ExpressionBuilder<Database, 'alerts'>,
  kind: AlertEntityKind,
  value: string,
) {
  return e(
    'id',
    'in',
    e
      .selectFrom('alert_entities')
      .select('alert_entities.alert_id')
      .where('alert_entities.kind', '=', kind)
      .where('alert_entities.value', '=', value.toLowerCase().slice(0, MAX_VALUE)),
  )
}

const entityValue = z.string().min(1).max(MAX_VALUE).optional()

/** The list filter's tag and entity fields (`?tag=triaged&host=ws-17`), for the list and the bulk selection. */
export const alertEntityFilterShape = {
  tag: z.string().min(1).max(100).optional(),
  tactic: z.string().min(1).max(100).optional(),
  technique: z.string().min(1).max(100).optional(),
  host: entityValue,
  user: entityValue,
  ip: entityValue,
  process: entityValue,
  hash: entityValue,
  domain: entityValue,
  url: entityValue,
  file: entityValue,
}
