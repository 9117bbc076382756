import type { Transaction } from 'kysely'
import { sql } from 'kysely'
import type { Actor, RequestOrigin } from '../auth/actor.js'
import { appendAudit } from '../auth/audit.js'
import { roleAllows } from '../auth/roles.js'
import { type ErrorDetail, ForbiddenError, NotFoundError, UserError } from '../core/errors.js'
import type { AlertExceptionRow, Database, ExceptionMatcher } from '../store/schema.js'
import type { Store } from '../store/store.js'
import { canonicalField, DETECTION_FIELDS, type DetectionView } from './detection-fields.js'
import { compileWholeValueRegex, regexProblem } from './whole-value-regex.js'

/** An exception that ends within this long is listed as expiring soon. */
export const EXPIRING_SOON_MS = 7 * 86_400_000

export type ExceptionState = 'active' | 'expired'

export function exceptionState(row: AlertExceptionRow, now = new Date()): ExceptionState {
  return row.expired_at !== null || row.expires_at <= now ? 'expired' : 'active'
}

type Test = (view: DetectionView) => boolean

/** Values compare without case; a regular expression runs on RE2 (linear time) over the whole value. */
function compileMatcher(matcher: ExceptionMatcher): Test {
  const field = canonicalField(matcher.field) ?? matcher.field
  let holds: (value: string) => boolean
  if (matcher.op === 'regex') {
    holds = compileWholeValueRegex(matcher.value)
  } else {
    const wanted = matcher.value.toLowerCase()
    holds =
      matcher.op === 'equals'
        ? (value) => value.toLowerCase() === wanted
        : (value) => value.toLowerCase().includes(wanted)
  }
  const someValueHolds = (view: DetectionView) => view.values(field).some(holds)
  return matcher.negate ? (view) => !someValueHolds(view) : someValueHolds
}

export function validateExceptionMatchers(matchers: readonly ExceptionMatcher[]): void {
  const problems: ErrorDetail[] = []
  if (matchers.length === 0)
    problems.push({ path: 'matchers', message: 'an exception needs at least one matcher' })
  matchers.forEach((matcher, index) => {
    if (!canonicalField(matcher.field))
      problems.push({
        path: `matchers.${index}.field`,
        message: `unknown field; use ${DETECTION_FIELDS.join(', ')} or matched.<Field>`,
      })
    const problem =
      matcher.op === 'regex' ? regexProblem(matcher.value, `matchers.${index}.value`) : undefined
    if (problem) problems.push(problem)
  })
  if (problems.length > 0)
    throw new UserError(
      'invalid_exception',
      `invalid exception: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      { details: problems },
    )
}

interface ActiveException {
  id: number
  ruleId: string | null
  expiresAt: number
  test: Test
}

export interface ExceptionInput {
  ruleId?: string | null | undefined
  matchers: ExceptionMatcher[]
  owner?: string | undefined
  reason: string
  expiresAt: Date
}

/** Which exception (if any) keeps a detection from raising an alert, as of `at`. */
export type ExceptionMatch = (view: DetectionView, at: Date) => number | undefined

/**
 * Exceptions: a detection on the rule (or any rule) matching every matcher raises no alert and is
 * counted on the exception instead. Every exception has an owner, a reason and an expiry date;
 * past it, it stops applying and is listed as expired.
 */
export class ExceptionsService {
  #active: { loadedAt: number; exceptions: ActiveException[] } | undefined

  constructor(private readonly store: Store) {}

  async create(input: ExceptionInput, actor: Actor, origin: RequestOrigin): Promise<AlertExceptionRow> {
    const matchers = input.matchers.map((m) => ({ ...m, field: canonicalField(m.field) ?? m.field }))
    validateExceptionMatchers(input.matchers)
    // One rule's exception is triage; one over every rule changes what the whole floor sees.
    if ((input.ruleId ?? null) === null && !roleAllows(actor.role, 'engineer'))
      throw new ForbiddenError('an exception over every rule needs the engineer role')
    const now = new Date()
    if (input.expiresAt <= now)
      throw new UserError('invalid_exception', 'the exception must expire in the future', {
        details: [{ path: 'expiresAt', message: 'in the past' }],
      })
    const row = await this.store.transaction(async (trx) => {
      const inserted = await trx
        .insertInto('alert_exceptions')
        .values({
          rule_id: input.ruleId ?? null,
          matchers: JSON.stringify(matchers),
          owner: input.owner ?? actor.name,
          reason: input.reason,
          expires_at: input.expiresAt,
          created_by: actor.name,
          created_at: now,
          expired_at: null,
          expired_by: null,
          last_hit_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await appendAudit(this.store, trx, actor, origin, {
        action: 'exception.create',
        targetType: 'exception',
        targetId: inserted.id,
        details: {
          after: {
            ruleId: inserted.rule_id,
            matchers,
            owner: inserted.owner,
            reason: inserted.reason,
            expiresAt: input.expiresAt.toISOString(),
          },
        },
      })
      return inserted
    })
    this.#active = undefined
    return row
  }

  async get(id: number): Promise<AlertExceptionRow> {
    const row = await this.store.db
      .selectFrom('alert_exceptions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFoundError('exception', id)
    return row
  }

  async list(filter: {
    state?: ExceptionState | 'all' | undefined
    ruleId?: string | undefined
  }): Promise<AlertExceptionRow[]> {
    const now = new Date()
    let query = this.store.db.selectFrom('alert_exceptions').selectAll().orderBy('id', 'desc').limit(1_000)
    if (filter.ruleId) query = query.where('rule_id', '=', filter.ruleId)
    if (filter.state === 'active') query = query.where('expired_at', 'is', null).where('expires_at', '>', now)
    if (filter.state === 'expired')
      query = query.where((eb) => eb.or([eb('expired_at', 'is not', null), eb('expires_at', '<=', now)]))
    return query.execute()
  }

  /** Updates the owner, reason or expiry (extending a reviewed exception); an expired one stays expired. */
  async update(
    id: number,
    change: { owner?: string | undefined; reason?: string | undefined; expiresAt?: Date | undefined },
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<AlertExceptionRow> {
    const before = await this.get(id)
    if (before.rule_id === null && !roleAllows(actor.role, 'engineer'))
      throw new ForbiddenError('an exception over every rule needs the engineer role')
    if (exceptionState(before) === 'expired')
      throw new UserError('exception_expired', `exception ${id} has expired; add a new one`, { status: 409 })
    if (change.expiresAt && change.expiresAt <= new Date())
      throw new UserError('invalid_exception', 'the exception must expire in the future', {
        details: [{ path: 'expiresAt', message: 'in the past' }],
      })
    const row = await this.store.transaction(async (trx) => {
      const updated = await trx
        .updateTable('alert_exceptions')
        .set({
          ...(change.owner ? { owner: change.owner } : {}),
          ...(change.reason ? { reason: change.reason } : {}),
          ...(change.expiresAt ? { expires_at: change.expiresAt } : {}),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      await appendAudit(this.store, trx, actor, origin, {
        action: 'exception.update',
        targetType: 'exception',
        targetId: id,
        details: {
          before: { owner: before.owner, reason: before.reason, expiresAt: before.expires_at.toISOString() },
          after: {
            owner: updated.owner,
            reason: updated.reason,
            expiresAt: updated.expires_at.toISOString(),
          },
        },
      })
      return updated
    })
    this.#active = undefined
    return row
  }

  async expire(id: number, actor: Actor, origin: RequestOrigin): Promise<AlertExceptionRow> {
    const row = await this.store.transaction(async (trx) => {
      const updated = await trx
        .updateTable('alert_exceptions')
        .set({ expired_at: new Date(), expired_by: actor.name })
        .where('id', '=', id)
        .where('expired_at', 'is', null)
        .returningAll()
        .executeTakeFirst()
      if (!updated) throw new NotFoundError('unexpired exception', id)
      await appendAudit(this.store, trx, actor, origin, {
        action: 'exception.expire',
        targetType: 'exception',
        targetId: id,
      })
      return updated
    })
    this.#active = undefined
    return row
  }

  /**
   * A pure matcher over the exceptions in force: load it before a transaction and call it inside.
   * The expiry is checked at each call, so an exception stops applying the moment it expires.
   */
  async matcher(): Promise<ExceptionMatch> {
    const exceptions = await this.#activeExceptions()
    return (view, at) => {
      const time = at.getTime()
      return exceptions.find(
        (exception) =>
          time < exception.expiresAt &&
          (exception.ruleId === null || exception.ruleId === view.detection.rule_id) &&
          exception.test(view),
      )?.id
    }
  }

  /** Adds hits to exceptions inside the caller's transaction. */
  async recordHits(
    trx: Transaction<Database>,
    hits: ReadonlyMap<number, { count: number; lastAt: Date }>,
  ): Promise<void> {
    for (const [id, hit] of hits) {
      await trx
        .updateTable('alert_exceptions')
        .set({
          hit_count: sql`hit_count + ${hit.count}`,
          last_hit_at: sql`CASE WHEN last_hit_at IS NULL OR last_hit_at < ${hit.lastAt} THEN ${hit.lastAt} ELSE last_hit_at END`,
        })
        .where('id', '=', id)
        .execute()
    }
  }

  async #activeExceptions(): Promise<ActiveException[]> {
    if (this.#active && Date.now() - this.#active.loadedAt < 5_000) return this.#active.exceptions
    const rows = await this.store.db
      .selectFrom('alert_exceptions')
      .selectAll()
      .where('expired_at', 'is', null)
      .where('expires_at', '>', new Date())
      .execute()
    const exceptions = rows.map((row) => {
      const tests = row.matchers.map(compileMatcher)
      return {
        id: row.id,
        ruleId: row.rule_id,
        expiresAt: row.expires_at.getTime(),
        test: (view: DetectionView) => tests.every((test) => test(view)),
      }
    })
    this.#active = { loadedAt: Date.now(), exceptions }
    return exceptions
  }
}
