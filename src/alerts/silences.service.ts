import type { Actor, RequestOrigin } from '../auth/actor.js'
import { appendAudit } from '../auth/audit.js'
import { type ErrorDetail, NotFoundError, UserError } from '../core/errors.js'
import type { AlertEntities, SilenceMatcher, SilenceRow } from '../store/schema.js'
import type { Store } from '../store/store.js'
import { compileWholeValueRegex, regexProblem } from './whole-value-regex.js'

export const SILENCE_FIELDS = ['ruleId', 'ruleTitle', 'severity', 'source', 'host', 'user', 'tag'] as const
export type SilenceField = (typeof SILENCE_FIELDS)[number]

/** What a silence looks at on an alert; list fields (hosts, users, tags) match when any value does. */
export interface SilenceSubject {
  ruleId: string
  ruleTitle: string
  severity: string
  source: string | null
  entities: AlertEntities
  tags: string[]
}

function valuesOf(subject: SilenceSubject, field: SilenceField): string[] {
  switch (field) {
    case 'ruleId':
      return [subject.ruleId]
    case 'ruleTitle':
      return [subject.ruleTitle]
    case 'severity':
      return [subject.severity]
    case 'source':
      return subject.source ? [subject.source] : []
    case 'host':
      return subject.entities.hosts
    case 'user':
      return subject.entities.users
    case 'tag':
      return subject.tags
  }
}

type CompiledMatcher = (subject: SilenceSubject) => boolean

/** Regular expressions run on RE2 (linear time) and must match the whole value, as Alertmanager's do. */
function compileMatcher(matcher: SilenceMatcher): CompiledMatcher {
  const field = matcher.field as SilenceField
  if (matcher.op === '=' || matcher.op === '!=') {
    const wanted = matcher.value.toLowerCase()
    const equal = (subject: SilenceSubject) =>
      valuesOf(subject, field).some((value) => value.toLowerCase() === wanted)
    return matcher.op === '=' ? equal : (subject) => !equal(subject)
  }
  const holds = compileWholeValueRegex(matcher.value)
  const matches = (subject: SilenceSubject) => valuesOf(subject, field).some(holds)
  return matcher.op === '=~' ? matches : (subject) => !matches(subject)
}

export function validateMatchers(matchers: readonly SilenceMatcher[]): void {
  const problems: ErrorDetail[] = []
  matchers.forEach((matcher, index) => {
    if (!(SILENCE_FIELDS as readonly string[]).includes(matcher.field)) {
      problems.push({
        path: `matchers.${index}.field`,
        message: `unknown field; use one of ${SILENCE_FIELDS.join(', ')}`,
      })
    }
    const problem =
      matcher.op === '=~' || matcher.op === '!~'
        ? regexProblem(matcher.value, `matchers.${index}.value`)
        : undefined
    if (problem) problems.push(problem)
  })
  if (matchers.length === 0)
    problems.push({ path: 'matchers', message: 'a silence needs at least one matcher' })
  if (problems.length > 0)
    throw new UserError(
      'invalid_silence',
      `invalid silence: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      { details: problems },
    )
}

interface ActiveSilence {
  id: number
  endsAt: number
  startsAt: number
  test: (subject: SilenceSubject) => boolean
}

/**
 * Silences over alert fields with an author, a comment, a start and an end. They end by
 * themselves: a silence past its end time simply stops matching.
 */
export class SilencesService {
  #active: { loadedAt: number; silences: ActiveSilence[] } | undefined

  constructor(private readonly store: Store) {}

  async create(
    input: { matchers: SilenceMatcher[]; startsAt?: Date | undefined; endsAt: Date; comment: string },
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<SilenceRow> {
    validateMatchers(input.matchers)
    const now = new Date()
    const startsAt = input.startsAt ?? now
    if (input.endsAt <= startsAt || input.endsAt <= now) {
      throw new UserError('invalid_silence', 'the silence must end in the future and after it starts', {
        details: [{ path: 'endsAt', message: 'too early' }],
      })
    }
    const row = await this.store.transaction(async (trx) => {
      const inserted = await trx
        .insertInto('silences')
        .values({
          matchers: JSON.stringify(input.matchers),
          starts_at: startsAt,
          ends_at: input.endsAt,
          author: actor.name,
          comment: input.comment,
          created_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await appendAudit(this.store, trx, actor, origin, {
        action: 'silence.create',
        targetType: 'silence',
        targetId: inserted.id,
        details: { after: { matchers: input.matchers, endsAt: input.endsAt.toISOString() } },
      })
      return inserted
    })
    this.#active = undefined
    return row
  }

  async list(options: { includeEnded: boolean }): Promise<SilenceRow[]> {
    let query = this.store.db.selectFrom('silences').selectAll().orderBy('id', 'desc').limit(500)
    if (!options.includeEnded) query = query.where('expired_at', 'is', null).where('ends_at', '>', new Date())
    return query.execute()
  }

  async expire(id: number, actor: Actor, origin: RequestOrigin): Promise<SilenceRow> {
    const row = await this.store.transaction(async (trx) => {
      const updated = await trx
        .updateTable('silences')
        .set({ expired_at: new Date() })
        .where('id', '=', id)
        .where('expired_at', 'is', null)
        .returningAll()
        .executeTakeFirst()
      if (!updated) throw new NotFoundError('active silence', id)
      await appendAudit(this.store, trx, actor, origin, {
        action: 'silence.expire',
        targetType: 'silence',
        targetId: id,
      })
      return updated
    })
    this.#active = undefined
    return row
  }

  /**
   * A pure matcher over the silences active now: load it before a transaction and call it inside
   * (on DuckDB a query outside the open transaction would wait for it). Returns the id of the
   * first matching silence at `at`, or undefined.
   */
  async matcher(): Promise<(subject: SilenceSubject, at: Date) => number | undefined> {
    const silences = await this.#activeSilences()
    return (subject, at) => {
      const time = at.getTime()
      return silences.find(
        (silence) => silence.startsAt <= time && time < silence.endsAt && silence.test(subject),
      )?.id
    }
  }

  async #activeSilences(): Promise<ActiveSilence[]> {
    if (this.#active && Date.now() - this.#active.loadedAt < 5_000) return this.#active.silences
    const rows = await this.store.db
      .selectFrom('silences')
      .selectAll()
      .where('expired_at', 'is', null)
      .where('ends_at', '>', new Date())
      .execute()
    const silences = rows.map((row) => {
      const tests = row.matchers.map(compileMatcher)
      return {
        id: row.id,
        startsAt: row.starts_at.getTime(),
        endsAt: row.ends_at.getTime(),
        test: (subject: SilenceSubject) => tests.every((test) => test(subject)),
      }
    })
    this.#active = { loadedAt: Date.now(), silences }
    return silences
  }
}
