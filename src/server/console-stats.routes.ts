import { sql } from 'kysely'
import { z } from 'zod'
import type { Store } from '../store/store.js'
import type { App, AppContext } from './context.js'

/** Bucket widths the charts use; the first that gives at most MAX_BUCKETS points is chosen. */
const BUCKET_SECONDS = [300, 900, 3_600, 3 * 3_600, 6 * 3_600, 86_400] as const
const MAX_BUCKETS = 120

export function bucketSecondsFor(hours: number): number {
  return BUCKET_SECONDS.find((width) => (hours * 3_600) / width <= MAX_BUCKETS) ?? 86_400
}

const window = z.object({
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24),
})

interface Window {
  since: Date
  until: Date
  bucketSeconds: number
}

function windowOf(hours: number, now = new Date()): Window {
  const bucketSeconds = bucketSecondsFor(hours)
  // Aligned to the bucket width so the first bar is whole and points line up between calls.
  const start =
    Math.floor((now.getTime() - hours * 3_600_000) / (bucketSeconds * 1000)) * bucketSeconds * 1000
  return { since: new Date(start), until: now, bucketSeconds }
}

/**
 * Bucket start as seconds since the epoch. `extract(epoch …)`, `floor` and `cast … as bigint` mean
 * the same on DuckDB and PostgreSQL, so this query needs no per-engine variant. The width comes
 * from BUCKET_SECONDS, never from input, and is written into the SQL as a literal.
 */
function bucketOf(column: 'event_time' | 'created_at', bucketSeconds: number) {
  return sql<
    string | number | bigint
  >`cast(floor(extract(epoch from ${sql.ref(column)}) / ${sql.lit(bucketSeconds)}) as bigint) * ${sql.lit(bucketSeconds)}`
}

const toIso = (epochSeconds: string | number | bigint) => new Date(Number(epochSeconds) * 1000).toISOString()

async function eventsBySource(store: Store, { since, bucketSeconds }: Window) {
  const rows = await store.db
    .selectFrom('events')
    .select((eb) => [
      'source',
      bucketOf('event_time', bucketSeconds).as('bucket'),
      eb.fn.countAll<string | number | bigint>().as('events'),
    ])
    .where('event_time', '>=', since)
    .groupBy(['source', sql`2`])
    .execute()
  const bySource = new Map<string, { start: string; events: number }[]>()
  for (const row of rows) {
    const points = bySource.get(row.source) ?? []
    points.push({ start: toIso(row.bucket), events: Number(row.events) })
    bySource.set(row.source, points)
  }
  return [...bySource]
    .map(([source, points]) => ({ source, points: points.sort((a, b) => a.start.localeCompare(b.start)) }))
    .sort((a, b) => a.source.localeCompare(b.source))
}

async function alertsBySeverity(store: Store, { since, bucketSeconds }: Window) {
  const rows = await store.db
    .selectFrom('alerts')
    .select((eb) => [
      'severity',
      bucketOf('created_at', bucketSeconds).as('bucket'),
      eb.fn.countAll<string | number | bigint>().as('alerts'),
    ])
    .where('created_at', '>=', since)
    .groupBy(['severity', sql`2`])
    .execute()
  const byBucket = new Map<string, Record<string, number>>()
  for (const row of rows) {
    const start = toIso(row.bucket)
    const counts = byBucket.get(start) ?? {}
    counts[row.severity] = (counts[row.severity] ?? 0) + Number(row.alerts)
    byBucket.set(start, counts)
  }
  return [...byBucket]
    .map(([start, counts]) => ({ start, counts }))
    .sort((a, b) => a.start.localeCompare(b.start))
}

async function openAlerts(store: Store) {
  const rows = await store.db
    .selectFrom('alerts')
    .select((eb) => ['status', 'severity', eb.fn.countAll<string | number | bigint>().as('alerts')])
    .where('status', '!=', 'closed')
    .groupBy(['status', 'severity'])
    .execute()
  return rows
    .map((row) => ({ status: row.status, severity: row.severity, alerts: Number(row.alerts) }))
    .sort((a, b) => a.status.localeCompare(b.status) || a.severity.localeCompare(b.severity))
}

const windowSchema = { since: z.string(), until: z.string(), bucketSeconds: z.number() }

/** Read-only aggregates for the console's charts; the lists themselves come from the feature APIs. */
export async function consoleStatsRoutes(app: App, { services }: AppContext): Promise<void> {
  app.get(
    '/api/v1/console/stats/alerts',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['console'],
        summary: 'Alerts raised per time bucket by severity, and open alerts by status and severity',
        querystring: window,
        response: {
          200: z.object({
            ...windowSchema,
            raised: z.array(z.object({ start: z.string(), counts: z.record(z.string(), z.number()) })),
            open: z.array(z.object({ status: z.string(), severity: z.string(), alerts: z.number() })),
          }),
        },
      },
    },
    async (request) => {
      const span = windowOf(request.query.hours)
      const [raised, open] = await Promise.all([
        alertsBySeverity(services.store, span),
        openAlerts(services.store),
      ])
      return {
        since: span.since.toISOString(),
        until: span.until.toISOString(),
        bucketSeconds: span.bucketSeconds,
        raised,
        open,
      }
    },
  )

  app.get(
    '/api/v1/console/stats/sources',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['console'],
        summary: 'Stored events per source per time bucket (by event time)',
        querystring: window,
        response: {
          200: z.object({
            ...windowSchema,
            sources: z.array(
              z.object({
                source: z.string(),
                points: z.array(z.object({ start: z.string(), events: z.number() })),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const span = windowOf(request.query.hours)
      const sources = await eventsBySource(services.store, span)
      return {
        since: span.since.toISOString(),
        until: span.until.toISOString(),
        bucketSeconds: span.bucketSeconds,
        sources,
      }
    },
  )
}
