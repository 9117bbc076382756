import type { Actor, RequestOrigin } from '../auth/actor.js'
import { appendAudit } from '../auth/audit.js'
import type { NormalisedEvent } from '../core/event.js'
import type { DeadLetterRow } from '../store/schema.js'
import type { Store } from '../store/store.js'
import { applyFraming, framingFromContext } from './framing.js'
import { AUTO_PARSER } from './parsers/registry.js'
import type { IngestQueue } from './pipeline/ingest-queue.js'
import type { ParseRecord } from './pipeline/parse-port.js'
import type { SourcesService } from './sources.service.js'

export interface DeadLetterFilter {
  source?: string | undefined
  includeReplayed?: boolean | undefined
  /** Keyset paging: rows with id below this. */
  before?: number | undefined
  limit: number
}

export interface ReplayResult {
  replayed: number
  stillFailing: number
  events: number
}

/** The stored context: JSON text on DuckDB, an object on PostgreSQL. */
function parseContext(context: unknown): unknown {
  if (typeof context !== 'string') return context
  try {
    return JSON.parse(context)
  } catch {
    return undefined
  }
}

function decodeRaw(row: DeadLetterRow): string {
  return row.raw_encoding === 'base64' ? Buffer.from(row.raw, 'base64').toString('utf8') : row.raw
}

/** The dead-letter table: what could not be parsed, listed and replayed after a parser or source fix. */
export class DeadLettersService {
  constructor(
    private readonly store: Store,
    private readonly sources: SourcesService,
    private readonly queue: IngestQueue,
    private readonly parse: ParseRecord,
  ) {}

  async list(filter: DeadLetterFilter): Promise<DeadLetterRow[]> {
    let query = this.store.db.selectFrom('dead_letters').selectAll().orderBy('id', 'desc').limit(filter.limit)
    if (filter.source) query = query.where('source', '=', filter.source)
    if (!filter.includeReplayed) query = query.where('replayed_at', 'is', null)
    if (filter.before !== undefined) query = query.where('id', '<', filter.before)
    return query.execute()
  }

  /**
   * Parses the chosen dead letters again with their source's current parser. Those that now parse
   * are committed as events and marked replayed; the others keep their row with the new reason.
   */
  async replay(
    selection: { ids?: number[] | undefined; source?: string | undefined; limit: number },
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<ReplayResult> {
    let query = this.store.db
      .selectFrom('dead_letters')
      .selectAll()
      .where('replayed_at', 'is', null)
      .orderBy('id')
      .limit(selection.limit)
    if (selection.ids?.length) query = query.where('id', 'in', selection.ids)
    if (selection.source) query = query.where('source', '=', selection.source)
    const rows = await query.execute()

    const events: NormalisedEvent[] = []
    const recovered: number[] = []
    const failures: { id: number; reason: string }[] = []
    for (const row of rows) {
      const source = await this.sources.resolve(row.source)
      const raw = decodeRaw(row)
      const framing = framingFromContext(parseContext(row.context))
      const parser = source?.parser ?? row.parser ?? undefined
      const outcome = this.parse({
        raw,
        source: row.source,
        parser: parser === AUTO_PARSER ? (framing?.parser ?? parser) : parser,
        receivedAt: row.received_at,
        timezone: source?.timezone,
      })
      if ('events' in outcome) {
        for (const event of outcome.events) if (framing) applyFraming(event, framing, row.received_at)
        events.push(...outcome.events)
        recovered.push(row.id)
      } else {
        failures.push({
          id: row.id,
          reason: outcome.error.path
            ? `${outcome.error.path}: ${outcome.error.reason}`
            : outcome.error.reason,
        })
      }
    }
    if (events.length > 0) await this.queue.offerWhenSpace({ events, deadLetters: [], bytes: 0 })
    await this.store.transaction(async (trx) => {
      const now = new Date()
      if (recovered.length > 0) {
        await trx
          .updateTable('dead_letters')
          .set((eb) => ({ replayed_at: now, replay_count: eb('replay_count', '+', 1) }))
          .where('id', 'in', recovered)
          .execute()
      }
      for (const failure of failures) {
        await trx
          .updateTable('dead_letters')
          .set((eb) => ({ reason: failure.reason, replay_count: eb('replay_count', '+', 1) }))
          .where('id', '=', failure.id)
          .execute()
      }
      await appendAudit(this.store, trx, actor, origin, {
        action: 'dead_letters.replay',
        targetType: 'dead_letters',
        targetId: selection.source ?? null,
        details: { recovered, stillFailing: failures.map((f) => f.id), events: events.length },
      })
    })
    return { replayed: recovered.length, stillFailing: failures.length, events: events.length }
  }
}
