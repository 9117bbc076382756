import { z } from 'zod'
import { originOf, requireActor } from '../server/auth-hooks.js'
import type { App, AppContext } from '../server/context.js'
import type { AlertRow, AlertStatus } from '../store/schema.js'
import { alertEntityFilterShape } from './alert-entity-index.js'
import { SEVERITIES } from './alert-metadata.js'
import { ALERT_STATUSES, type AlertChange, RESOLUTIONS } from './alerts.service.js'
import { SLA_STATES, type SlaState, type SlaView } from './sla.js'
import { slaViewSchema } from './sla.routes.js'

export const alertSchema = z.object({
  id: z.number(),
  ruleId: z.string(),
  ruleTitle: z.string(),
  kind: z.string(),
  severity: z.string(),
  riskScore: z.number(),
  status: z.string(),
  resolution: z.string().nullable(),
  closeComment: z.string().nullable(),
  assignee: z.string().nullable(),
  tags: z.array(z.string()),
  tactics: z.array(z.string()),
  techniques: z.array(z.string()),
  description: z.string().nullable(),
  references: z.array(z.string()),
  falsePositives: z.array(z.string()),
  entities: z.record(z.string(), z.array(z.string())),
  matched: z.record(z.string(), z.unknown()),
  source: z.string().nullable(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  count: z.number(),
  suppressedCount: z.number(),
  /** Set when the alert was merged into another (closed as a duplicate). */
  mergedInto: z.number().nullable(),
  /** While this alert holds its rule's suppression window, until when. */
  suppressedUntil: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  incidentId: z.number().nullable(),
  silencedBy: z.number().nullable(),
  sla: slaViewSchema.optional(),
})

export function toPublicAlert(row: AlertRow, sla?: SlaView): z.infer<typeof alertSchema> {
  return {
    ...(sla ? { sla } : {}),
    id: row.id,
    ruleId: row.rule_id,
    ruleTitle: row.rule_title,
    kind: row.kind,
    severity: row.severity,
    riskScore: row.risk_score,
    status: row.status,
    resolution: row.resolution,
    closeComment: row.close_comment,
    assignee: row.assignee,
    tags: row.tags,
    tactics: row.tactics,
    techniques: row.techniques,
    description: row.description,
    references: row.refs,
    falsePositives: row.false_positives,
    entities: row.entities as unknown as Record<string, string[]>,
    matched: row.matched,
    source: row.source,
    firstSeen: row.first_seen.toISOString(),
    lastSeen: row.last_seen.toISOString(),
    count: Number(row.event_count),
    suppressedCount: Number(row.suppressed_count),
    mergedInto: row.merged_into,
    suppressedUntil: row.suppressed_until?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    acknowledgedAt: row.acknowledged_at?.toISOString() ?? null,
    closedAt: row.closed_at?.toISOString() ?? null,
    incidentId: row.incident_id,
    silencedBy: row.silenced_by,
  }
}

const list = (values: readonly string[]) =>
  z
    .string()
    .max(200)
    .transform((text) =>
      text
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values as [string, ...string[]])))

const changeBody = z.object({
  resolution: z.enum(RESOLUTIONS as [string, ...string[]]).optional(),
  comment: z.string().max(10_000).optional(),
})

const ACTIONS: Record<string, AlertStatus> = {
  acknowledge: 'acknowledged',
  start: 'in_progress',
  close: 'closed',
  reopen: 'new',
}

export async function alertsRoutes(app: App, { services }: AppContext): Promise<void> {
  const alerts = services.alerts

  app.get(
    '/api/v1/alerts',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['alerts'],
        summary: 'Alerts, filtered and sorted, in keyset pages (pass nextCursor back as cursor)',
        querystring: z.object({
          status: list(ALERT_STATUSES).optional(),
          severity: list(SEVERITIES).optional(),
          ruleId: z.string().max(200).optional(),
          assignee: z.string().max(64).optional(),
          source: z.string().max(64).optional(),
          q: z.string().max(200).optional(),
          ...alertEntityFilterShape,
          sla: list(SLA_STATES).optional(),
          since: z.coerce.date().optional(),
          until: z.coerce.date().optional(),
          sort: z
            .enum(['created_desc', 'created_asc', 'last_seen_desc', 'risk_desc'])
            .default('created_desc'),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          cursor: z.string().max(200).optional(),
        }),
        response: { 200: z.object({ items: z.array(alertSchema), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const { sort, limit, cursor, status, severity, sla, ...rest } = request.query
      const page = await alerts.list(
        {
          ...rest,
          status: status as AlertStatus[] | undefined,
          severity,
          sla: sla as SlaState[] | undefined,
        },
        { sort, limit, cursor },
      )
      const slaViews = await services.alertSla.views(page.items)
      return {
        items: page.items.map((row) => toPublicAlert(row, slaViews.get(row.id))),
        nextCursor: page.nextCursor,
      }
    },
  )

  app.get(
    '/api/v1/alerts/:id',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['alerts'],
        summary: 'One alert with its history and its first matched events',
        params: z.object({ id: z.coerce.number().int().positive() }),
        response: {
          200: alertSchema.extend({
            history: z.array(
              z.object({
                at: z.string(),
                actor: z.string(),
                action: z.string(),
                from: z.string().nullable(),
                to: z.string().nullable(),
                comment: z.string().nullable(),
              }),
            ),
            events: z.array(
              z.object({
                seq: z.number(),
                time: z.string(),
                source: z.string(),
                host: z.string().nullable(),
                user: z.string().nullable(),
                original: z.record(z.string(), z.unknown()),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const id = request.params.id
      const [row, history, events] = await Promise.all([
        alerts.get(id),
        alerts.history(id),
        alerts.events(id, 50),
      ])
      return {
        ...toPublicAlert(row, await services.alertSla.view(row)),
        history: history.map((entry) => ({
          at: entry.occurred_at.toISOString(),
          actor: entry.actor,
          action: entry.action,
          from: entry.from_value,
          to: entry.to_value,
          comment: entry.comment,
        })),
        events: events.map((event) => ({
          seq: event.seq,
          time: event.event_time.toISOString(),
          source: event.source,
          host: event.host_name,
          user: event.user_name,
          original:
            typeof event.original === 'string'
              ? (JSON.parse(event.original) as Record<string, unknown>)
              : event.original,
        })),
      }
    },
  )

  for (const [action, status] of Object.entries(ACTIONS)) {
    app.post(
      `/api/v1/alerts/:id/${action}`,
      {
        config: { access: 'analyst' },
        schema: {
          tags: ['alerts'],
          summary:
            action === 'close' ? 'Close with a resolution and a comment' : `Move the alert to ${status}`,
          params: z.object({ id: z.coerce.number().int().positive() }),
          body: changeBody.optional(),
          response: { 200: alertSchema },
        },
      },
      async (request) => {
        const change: AlertChange = {
          status,
          resolution: request.body?.resolution as AlertChange['resolution'],
          comment: request.body?.comment,
        }
        const [row] = await alerts.change(
          [request.params.id],
          change,
          requireActor(request),
          originOf(request),
        )
        return toPublicAlert(row!, await services.alertSla.view(row!))
      },
    )
  }

  app.post(
    '/api/v1/alerts/:id/assign',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['alerts'],
        summary: 'Assign to someone (null to unassign)',
        params: z.object({ id: z.coerce.number().int().positive() }),
        body: z.object({
          assignee: z.string().min(1).max(64).nullable(),
          comment: z.string().max(10_000).optional(),
        }),
        response: { 200: alertSchema },
      },
    },
    async (request) => {
      const [row] = await alerts.change(
        [request.params.id],
        { assignee: request.body.assignee, comment: request.body.comment },
        requireActor(request),
        originOf(request),
      )
      return toPublicAlert(row!, await services.alertSla.view(row!))
    },
  )

  app.post(
    '/api/v1/alerts/:id/comment',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['alerts'],
        summary: 'Add a comment to the alert’s history',
        params: z.object({ id: z.coerce.number().int().positive() }),
        body: z.object({ comment: z.string().min(1).max(10_000) }),
        response: { 200: alertSchema },
      },
    },
    async (request) => {
      const [row] = await alerts.change(
        [request.params.id],
        { comment: request.body.comment },
        requireActor(request),
        originOf(request),
      )
      return toPublicAlert(row!, await services.alertSla.view(row!))
    },
  )
}
