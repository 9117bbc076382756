import { createHash } from 'node:crypto'
import type { Transaction } from 'kysely'
import type { Database } from '../store/schema.js'
import type { Store } from '../store/store.js'
import type { Actor, RequestOrigin } from './actor.js'

export const GENESIS_HASH = '0'.repeat(64)

export interface AuditEntry {
  action: string
  targetType: string
  targetId?: string | number | null
  /** Ids and values before and after the change; never secrets. */
  details?: Record<string, unknown>
}

interface ChainedFields {
  seq: number
  occurred_at: Date
  actor_type: string
  actor_id: number | null
  actor_name: string
  action: string
  target_type: string
  target_id: string | null
  ip: string | null
  request_id: string | null
  details: unknown
  prev_hash: string
}

/** Key order must not matter: PostgreSQL's JSONB reorders keys, so the hash covers a canonical form. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null)
  if (value instanceof Date) return JSON.stringify(value.toISOString())
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

export function auditHash(fields: ChainedFields): string {
  const payload = canonicalJson({ ...fields, occurred_at: fields.occurred_at.toISOString() })
  return createHash('sha256').update(payload).digest('hex')
}

/**
 * Appends one entry to the hash chain inside the caller's transaction, so the entry exists if
 * and only if the change it describes was committed.
 */
export async function appendAudit(
  store: Store,
  trx: Transaction<Database>,
  actor: Actor,
  origin: RequestOrigin,
  entry: AuditEntry,
): Promise<number> {
  await store.locks.lockAuditChain(trx)
  const last = await trx
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst()
  const fields: ChainedFields = {
    seq: (last?.seq ?? 0) + 1,
    occurred_at: new Date(),
    actor_type: actor.type,
    actor_id: actor.id,
    actor_name: actor.name,
    action: entry.action,
    target_type: entry.targetType,
    target_id: entry.targetId === undefined || entry.targetId === null ? null : String(entry.targetId),
    ip: origin.ip,
    request_id: origin.requestId,
    details: entry.details ?? {},
    prev_hash: last?.hash ?? GENESIS_HASH,
  }
  await trx
    .insertInto('audit_log')
    .values({
      ...fields,
      actor_type: actor.type,
      details: JSON.stringify(fields.details),
      hash: auditHash(fields),
    })
    .execute()
  if (origin.trail) origin.trail.entries += 1
  return fields.seq
}

export interface AuditVerification {
  ok: boolean
  checked: number
  /** The first broken link: the entry whose content, link or place in the sequence is wrong. */
  firstBroken?: { seq: number; reason: string }
}

/** Re-hashes the whole chain in order and names the first entry that was edited, removed or re-linked. */
export async function verifyAuditChain(store: Store, pageSize = 5_000): Promise<AuditVerification> {
  let previousHash = GENESIS_HASH
  let expectedSeq = 1
  let checked = 0
  for (;;) {
    const rows = await store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(pageSize)
      .execute()
    if (rows.length === 0) return { ok: true, checked }
    for (const row of rows) {
      if (row.seq !== expectedSeq) {
        return broken(
          checked,
          expectedSeq,
          `entry ${expectedSeq} is missing (next entry found is ${row.seq})`,
        )
      }
      if (row.prev_hash !== previousHash) {
        return broken(checked, row.seq, 'prev_hash does not match the hash of the entry before it')
      }
      const { hash, ...fields } = row
      if (auditHash(fields) !== hash)
        return broken(checked, row.seq, 'content does not match its hash (edited)')
      previousHash = hash
      expectedSeq += 1
      checked += 1
    }
  }
}

function broken(checked: number, seq: number, reason: string): AuditVerification {
  return { ok: false, checked, firstBroken: { seq, reason } }
}
