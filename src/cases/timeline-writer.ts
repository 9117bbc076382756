import type { Transaction } from 'kysely'
import type { Database, TimelineRow } from '../store/schema.js'

export interface TimelineEntry {
  /** When it happened; `recorded_at` is always now. */
  occurredAt: Date
  kind: string
  title: string
  body?: string | null | undefined
  actor: string
  flagged?: boolean | undefined
  refType?: string | undefined
  refId?: string | undefined
}

/** Writes one timeline entry inside the caller's transaction, beside the change it describes. */
export async function writeTimeline(
  trx: Transaction<Database>,
  incidentId: number,
  entry: TimelineEntry,
): Promise<TimelineRow> {
  return trx
    .insertInto('incident_timeline')
    .values({
      incident_id: incidentId,
      occurred_at: entry.occurredAt,
      recorded_at: new Date(),
      kind: entry.kind,
      title: entry.title,
      body: entry.body ?? null,
      actor: entry.actor,
      flagged: entry.flagged ?? false,
      ref_type: entry.refType ?? null,
      ref_id: entry.refId ?? null,
      details: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}
