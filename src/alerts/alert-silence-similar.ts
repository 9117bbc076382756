import { RE2JS } from 're2js'
import type { Actor, RequestOrigin } from '../auth/actor.js'
import { appendAudit } from '../auth/audit.js'
import { UserError } from '../core/errors.js'
import type { AlertRow, SilenceMatcher, SilenceRow } from '../store/schema.js'
import type { Store } from '../store/store.js'
import type { SilencesService } from './silences.service.js'

export const SIMILAR_FIELDS = ['ruleId', 'host', 'user', 'source', 'severity'] as const
export type SimilarField = (typeof SIMILAR_FIELDS)[number]

function valuesOf(alert: AlertRow, field: SimilarField): string[] {
  switch (field) {
    case 'ruleId':
      return [alert.rule_id]
    case 'host':
      return alert.entities.hosts
    case 'user':
      return alert.entities.users
    case 'source':
      return alert.source ? [alert.source] : []
    case 'severity':
      return [alert.severity]
  }
}

/**
 * Matchers that catch alerts like this one on the chosen fields. A field with several values on
 * the alert (two hosts) becomes an alternation of the quoted values, so any of them matches.
 */
export function similarMatchers(alert: AlertRow, fields: readonly SimilarField[]): SilenceMatcher[] {
  const missing = fields.filter((field) => valuesOf(alert, field).length === 0)
  if (missing.length > 0)
    throw new UserError('field_missing', `alert ${alert.id} has no ${missing.join(', ')} to silence on`, {
      details: missing.map((field) => ({
        path: `fields.${fields.indexOf(field)}`,
        message: 'no value on the alert',
      })),
    })
  return fields.map((field) => {
    const values = valuesOf(alert, field)
    return values.length === 1
      ? { field, op: '=', value: values[0]! }
      : { field, op: '=~', value: values.map((value) => RE2JS.quote(value)).join('|') }
  })
}

/**
 * "Silence similar": a silence over this alert's rule, host, user… in one call. New alerts that
 * match are recorded but not notified until it ends; the alert's history says who silenced what.
 */
export async function silenceSimilar(
  store: Store,
  silences: SilencesService,
  alert: AlertRow,
  input: { fields: readonly SimilarField[]; durationSeconds: number; comment: string },
  actor: Actor,
  origin: RequestOrigin,
): Promise<SilenceRow> {
  const matchers = similarMatchers(alert, [...new Set(input.fields)])
  const silence = await silences.create(
    { matchers, endsAt: new Date(Date.now() + input.durationSeconds * 1_000), comment: input.comment },
    actor,
    origin,
  )
  await store.transaction(async (trx) => {
    await trx
      .insertInto('alert_history')
      .values({
        alert_id: alert.id,
        occurred_at: new Date(),
        actor: actor.name,
        action: 'silenced_similar',
        from_value: null,
        to_value: String(silence.id),
        comment: input.comment,
        details: JSON.stringify({ silence: silence.id, matchers, endsAt: silence.ends_at.toISOString() }),
      })
      .execute()
    await appendAudit(store, trx, actor, origin, {
      action: 'alert.silence_similar',
      targetType: 'alert',
      targetId: alert.id,
      details: { silence: silence.id, matchers },
    })
  })
  return silence
}
