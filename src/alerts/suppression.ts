import { createHash } from 'node:crypto'
import { sql, type Transaction } from 'kysely'
import type { Actor, RequestOrigin } from '../auth/actor.js'
import { appendAudit } from '../auth/audit.js'
import { type ErrorDetail, NotFoundError, UserError } from '../core/errors.js'
import type { Database, RuleAlertSettingsRow } from '../store/schema.js'
import type { Store } from '../store/store.js'
import { canonicalField, DETECTION_FIELDS, type DetectionView } from './detection-fields.js'

export interface SuppressionSettings {
  fields: string[]
  windowMs: number
  /**
   * Closing the alert that holds the window: `restart` (the default, as Elastic's) lets the next
   * detection open a new alert; `continue` keeps suppressing until the window ends.
   */
  afterClose: 'restart' | 'continue'
}

/** How one rule's detections become alerts; unset parts fall back to the defaults. */
export interface RuleAlertSettings {
  ruleId: string
  /** Fingerprint fields beside the rule (default: host, or the source when there is no host). */
  groupBy: string[] | null
  /** How long after its last detection an open alert still takes new ones (default: the builder's). */
  dedupWindowMs: number | null
  /** Suppression: detections with the same values, within the window after an alert opened, only count on it. */
  suppression: SuppressionSettings | null
  updatedBy: string
  updatedAt: Date
}

function hash(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32)
}

function fieldParts(view: DetectionView, fields: readonly string[]): string[] {
  return fields.map(
    (field) =>
      `${field}=${view
        .values(field)
        .map((value) => value.toLowerCase())
        .sort()
        .join(',')}`,
  )
}

/**
 * Rule plus group-by values. Without settings it is the historical default (rule and host, or
 * rule and source), so existing open alerts keep taking detections after an upgrade.
 */
export function groupFingerprint(view: DetectionView, groupBy: readonly string[] | null): string {
  const detection = view.detection
  if (!groupBy) {
    const host = view.context.host
    return hash([
      detection.rule_id,
      typeof host === 'string' ? `host:${host.toLowerCase()}` : `source:${detection.source ?? ''}`,
    ])
  }
  return hash([detection.rule_id, 'by', ...fieldParts(view, groupBy)])
}

export function suppressionKey(view: DetectionView, fields: readonly string[]): string {
  return hash([view.detection.rule_id, 'suppress', ...fieldParts(view, fields)])
}

function toSettings(row: RuleAlertSettingsRow): RuleAlertSettings {
  return {
    ruleId: row.rule_id,
    groupBy: row.group_by,
    dedupWindowMs: row.dedup_window_ms === null ? null : Number(row.dedup_window_ms),
    suppression:
      row.suppress_by && row.suppress_window_ms !== null
        ? {
            fields: row.suppress_by,
            windowMs: Number(row.suppress_window_ms),
            afterClose: row.suppress_after_close === 'continue' ? 'continue' : 'restart',
          }
        : null,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  }
}

function checkFields(fields: readonly string[], path: string, problems: ErrorDetail[]): string[] {
  const canonical: string[] = []
  fields.forEach((field, index) => {
    const name = canonicalField(field)
    if (name) canonical.push(name)
    else
      problems.push({
        path: `${path}.${index}`,
        message: `unknown field "${field}"; use ${DETECTION_FIELDS.join(', ')} or matched.<Field>`,
      })
  })
  return [...new Set(canonical)]
}

export interface RuleAlertSettingsInput {
  groupBy?: string[] | null | undefined
  dedupWindowMs?: number | null | undefined
  suppression?:
    | { fields: string[]; windowMs: number; afterClose?: 'restart' | 'continue' | undefined }
    | null
    | undefined
}

/** Per-rule grouping and suppression, set through the API and read by the alert builder. */
export class RuleAlertSettingsService {
  #cache: { loadedAt: number; byRule: Map<string, RuleAlertSettings> } | undefined

  constructor(private readonly store: Store) {}

  async get(ruleId: string): Promise<RuleAlertSettings | undefined> {
    const row = await this.store.db
      .selectFrom('rule_alert_settings')
      .selectAll()
      .where('rule_id', '=', ruleId)
      .executeTakeFirst()
    return row ? toSettings(row) : undefined
  }

  async put(
    ruleId: string,
    input: RuleAlertSettingsInput,
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<RuleAlertSettings> {
    const problems: ErrorDetail[] = []
    const groupBy = input.groupBy ? checkFields(input.groupBy, 'groupBy', problems) : null
    const suppressBy = input.suppression
      ? checkFields(input.suppression.fields, 'suppression.fields', problems)
      : null
    if (problems.length > 0)
      throw new UserError(
        'invalid_rule_settings',
        problems.map((p) => `${p.path}: ${p.message}`).join('; '),
        {
          details: problems,
        },
      )
    const before = await this.get(ruleId)
    const now = new Date()
    const values = {
      group_by: groupBy ? JSON.stringify(groupBy) : null,
      dedup_window_ms: input.dedupWindowMs ?? null,
      suppress_by: suppressBy ? JSON.stringify(suppressBy) : null,
      suppress_window_ms: input.suppression?.windowMs ?? null,
      suppress_after_close: input.suppression ? (input.suppression.afterClose ?? 'restart') : null,
      updated_by: actor.name,
      updated_at: now,
    }
    const row = await this.store.transaction(async (trx) => {
      const saved = await trx
        .insertInto('rule_alert_settings')
        .values({ rule_id: ruleId, ...values })
        .onConflict((conflict) => conflict.column('rule_id').doUpdateSet(values))
        .returningAll()
        .executeTakeFirstOrThrow()
      await appendAudit(this.store, trx, actor, origin, {
        action: 'rule.alert_settings',
        targetType: 'rule',
        targetId: ruleId,
        details: {
          before: before ?? null,
          after: { groupBy, dedupWindowMs: values.dedup_window_ms, suppression: input.suppression ?? null },
        },
      })
      return saved
    })
    this.#cache = undefined
    return toSettings(row)
  }

  async remove(ruleId: string, actor: Actor, origin: RequestOrigin): Promise<void> {
    await this.store.transaction(async (trx) => {
      const removed = await trx
        .deleteFrom('rule_alert_settings')
        .where('rule_id', '=', ruleId)
        .returning('rule_id')
        .executeTakeFirst()
      if (!removed) throw new NotFoundError('alert settings of rule', ruleId)
      await appendAudit(this.store, trx, actor, origin, {
        action: 'rule.alert_settings_reset',
        targetType: 'rule',
        targetId: ruleId,
      })
    })
    this.#cache = undefined
  }

  /** Every rule's settings, for the builder: load before its transaction (a few seconds of cache). */
  async lookup(): Promise<(ruleId: string) => RuleAlertSettings | undefined> {
    if (!this.#cache || Date.now() - this.#cache.loadedAt > 5_000) {
      const rows = await this.store.db.selectFrom('rule_alert_settings').selectAll().execute()
      this.#cache = {
        loadedAt: Date.now(),
        byRule: new Map(rows.map((row) => [row.rule_id, toSettings(row)])),
      }
    }
    const byRule = this.#cache.byRule
    return (ruleId) => byRule.get(ruleId)
  }
}

/**
 * Counts a group of detections on the alert whose suppression window holds for their key, and
 * links them to it (the first thousand of a flood; the count keeps the true number). Returns
 * false when no alert holds the window: the group then opens one, which starts a window.
 */
export async function suppressInto(
  trx: Transaction<Database>,
  group: {
    suppression: { key: string; afterClose: 'restart' | 'continue' } | null
    first: Date
    detections: readonly { id: number; detected_at: Date }[]
  },
  now: Date,
): Promise<boolean> {
  if (!group.suppression) return false
  let query = trx
    .selectFrom('alerts')
    .select('id')
    .where('suppression_key', '=', group.suppression.key)
    .where('suppressed_until', '>', group.first)
    .where('merged_into', 'is', null)
  if (group.suppression.afterClose === 'restart') query = query.where('status', '!=', 'closed')
  const holder = await query.orderBy('id', 'desc').limit(1).executeTakeFirst()
  if (!holder) return false
  await trx
    .updateTable('alerts')
    .set({ suppressed_count: sql`suppressed_count + ${group.detections.length}`, updated_at: now })
    .where('id', '=', holder.id)
    .execute()
  await linkSuppressed(trx, holder.id, group.detections)
  return true
}

/** Links suppressed detections to their alert: the first thousand of a flood (the count keeps the true number). */
export async function linkSuppressed(
  trx: Transaction<Database>,
  alertId: number,
  detections: readonly { id: number; detected_at: Date }[],
): Promise<void> {
  const links = detections.slice(0, 1_000).map((detection) => ({
    alert_id: alertId,
    detection_id: detection.id,
    detected_at: detection.detected_at,
  }))
  for (let start = 0; start < links.length; start += 500) {
    await trx
      .insertInto('alert_suppressed_detections')
      .values(links.slice(start, start + 500))
      .onConflict((conflict) => conflict.columns(['alert_id', 'detection_id']).doNothing())
      .execute()
  }
}
