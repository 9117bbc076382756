import { randomBytes } from 'node:crypto'
import type { Actor, RequestOrigin } from '../auth/actor.js'
import { appendAudit } from '../auth/audit.js'
import { randomSecret, safeEqualHex, sha256Hex } from '../auth/secrets.js'
import { ConflictError, NotFoundError, UserError } from '../core/errors.js'
import type { SourceRow } from '../store/schema.js'
import type { Store } from '../store/store.js'
import type { SourceStats } from './pipeline/source-stats.js'

export const SOURCE_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/
const INGEST_TOKEN_PATTERN = /^wfi_([a-f0-9]{16})_([A-Za-z0-9_-]{43})$/

export interface SourceSettings {
  description?: string | null | undefined
  parser?: string | undefined
  timezone?: string | undefined
  expectedIntervalSeconds?: number | null | undefined
  enabled?: boolean | undefined
}

export interface PublicSource {
  id: number
  name: string
  description: string | null
  parser: string
  timezone: string
  expectedIntervalSeconds: number | null
  enabled: boolean
  hasIngestToken: boolean
  createdAt: string
  lastEventAt: string | null
  lastReceivedAt: string | null
  eventsTotal: number
  deadLettersTotal: number
  silentSince: string | null
}

export function toPublicSource(row: SourceRow): PublicSource {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    parser: row.parser,
    timezone: row.timezone,
    expectedIntervalSeconds: row.expected_interval_seconds,
    enabled: row.enabled,
    hasIngestToken: row.ingest_secret_hash !== null,
    createdAt: row.created_at.toISOString(),
    lastEventAt: row.last_event_at?.toISOString() ?? null,
    lastReceivedAt: row.last_received_at?.toISOString() ?? null,
    eventsTotal: Number(row.events_total),
    deadLettersTotal: Number(row.dead_letters_total),
    silentSince: row.silent_since?.toISOString() ?? null,
  }
}

export function validateTimezone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
  } catch {
    throw new UserError(
      'invalid_timezone',
      `unknown time zone "${zone}" (use an IANA name such as Europe/Paris or UTC)`,
      {
        details: [{ path: 'timezone', message: 'not an IANA time zone' }],
      },
    )
  }
}

/** Named sources: how their events are parsed, who may send them, and when they went quiet. */
export class SourcesService {
  readonly #cache = new Map<string, { row: SourceRow; at: number }>()

  constructor(
    private readonly store: Store,
    private readonly isKnownParser: (name: string) => boolean,
    private readonly stats?: SourceStats,
  ) {}

  async list(): Promise<PublicSource[]> {
    await this.stats?.flush()
    return (await this.store.db.selectFrom('sources').selectAll().orderBy('name').execute()).map(
      toPublicSource,
    )
  }

  async get(name: string): Promise<SourceRow> {
    await this.stats?.flush()
    const row = await this.store.db
      .selectFrom('sources')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst()
    if (!row) throw new NotFoundError('source', name)
    return row
  }

  /** The source's settings for the ingest path, cached for a few seconds (it is read per request). */
  async resolve(name: string): Promise<SourceRow | undefined> {
    const cached = this.#cache.get(name)
    if (cached && Date.now() - cached.at < 5_000) return cached.row
    const row = await this.store.db
      .selectFrom('sources')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst()
    if (row) this.#cache.set(name, { row, at: Date.now() })
    return row
  }

  #validate(settings: SourceSettings): void {
    if (settings.parser !== undefined && !this.isKnownParser(settings.parser)) {
      throw new UserError('unknown_parser', `unknown parser "${settings.parser}"`, {
        details: [{ path: 'parser', message: 'not a known parser' }],
      })
    }
    if (settings.timezone !== undefined) validateTimezone(settings.timezone)
  }

  async create(
    name: string,
    settings: SourceSettings,
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<PublicSource> {
    if (!SOURCE_NAME_PATTERN.test(name)) {
      throw new UserError(
        'invalid_source_name',
        'a source name is 1-64 characters of a-z, 0-9, . _ -, starting with a letter or digit',
        {
          details: [{ path: 'name', message: 'invalid characters or length' }],
        },
      )
    }
    this.#validate(settings)
    return this.store.transaction(async (trx) => {
      const existing = await trx
        .selectFrom('sources')
        .select('id')
        .where('name', '=', name)
        .executeTakeFirst()
      if (existing) throw new ConflictError(`source ${name} already exists`)
      const now = new Date()
      const row = await trx
        .insertInto('sources')
        .values({
          name,
          description: settings.description ?? null,
          parser: settings.parser ?? 'auto',
          timezone: settings.timezone ?? 'UTC',
          expected_interval_seconds: settings.expectedIntervalSeconds ?? null,
          enabled: settings.enabled ?? true,
          created_at: now,
          updated_at: now,
        })
        // Two first requests for a new source can both pass the check above (on PostgreSQL): the
        // later insert then does nothing and its caller hears ConflictError, as if it saw the row.
        .onConflict((conflict) => conflict.column('name').doNothing())
        .returningAll()
        .executeTakeFirst()
      if (!row) throw new ConflictError(`source ${name} already exists`)
      await appendAudit(this.store, trx, actor, origin, {
        action: 'source.create',
        targetType: 'source',
        targetId: row.id,
        details: { after: { name, parser: row.parser } },
      })
      return toPublicSource(row)
    })
  }

  async update(
    name: string,
    settings: SourceSettings,
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<PublicSource> {
    this.#validate(settings)
    return this.store.transaction(async (trx) => {
      const before = await trx.selectFrom('sources').selectAll().where('name', '=', name).executeTakeFirst()
      if (!before) throw new NotFoundError('source', name)
      const changes = {
        ...(settings.description !== undefined ? { description: settings.description } : {}),
        ...(settings.parser !== undefined ? { parser: settings.parser } : {}),
        ...(settings.timezone !== undefined ? { timezone: settings.timezone } : {}),
        ...(settings.expectedIntervalSeconds !== undefined
          ? { expected_interval_seconds: settings.expectedIntervalSeconds }
          : {}),
        ...(settings.enabled !== undefined ? { enabled: settings.enabled } : {}),
      }
      const row = await trx
        .updateTable('sources')
        .set({ ...changes, updated_at: new Date() })
        .where('id', '=', before.id)
        .returningAll()
        .executeTakeFirstOrThrow()
      await appendAudit(this.store, trx, actor, origin, {
        action: 'source.update',
        targetType: 'source',
        targetId: row.id,
        details: { before: pick(before, Object.keys(changes)), after: changes },
      })
      this.#cache.delete(name)
      return toPublicSource(row)
    })
  }

  /** Issues a new ingest token for the source (the old one stops working). Shown once. */
  async rotateIngestToken(name: string, actor: Actor, origin: RequestOrigin): Promise<string> {
    const lookupId = randomBytes(8).toString('hex')
    const secret = randomSecret(32)
    await this.store.transaction(async (trx) => {
      const before = await trx.selectFrom('sources').select('id').where('name', '=', name).executeTakeFirst()
      if (!before) throw new NotFoundError('source', name)
      await trx
        .updateTable('sources')
        .set({ ingest_lookup_id: lookupId, ingest_secret_hash: sha256Hex(secret), updated_at: new Date() })
        .where('id', '=', before.id)
        .execute()
      await appendAudit(this.store, trx, actor, origin, {
        action: 'source.token_rotate',
        targetType: 'source',
        targetId: before.id,
      })
    })
    this.#cache.delete(name)
    return `wfi_${lookupId}_${secret}`
  }

  /** The source an ingest token belongs to, or undefined. */
  async authenticateIngestToken(presented: string): Promise<SourceRow | undefined> {
    const match = INGEST_TOKEN_PATTERN.exec(presented)
    if (!match) return undefined
    const row = await this.store.db
      .selectFrom('sources')
      .selectAll()
      .where('ingest_lookup_id', '=', match[1]!)
      .executeTakeFirst()
    if (!row?.ingest_secret_hash || !row.enabled) return undefined
    return safeEqualHex(row.ingest_secret_hash, sha256Hex(match[2]!)) ? row : undefined
  }
}

function pick(row: SourceRow, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, row[key as keyof SourceRow]]))
}

export function isIngestToken(value: string): boolean {
  return value.startsWith('wfi_')
}
