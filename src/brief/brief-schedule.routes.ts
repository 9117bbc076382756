import { z } from 'zod'
import { UserError } from '../core/errors.js'
import { originOf, requireActor } from '../server/auth-hooks.js'
import type { App, AppContext } from '../server/context.js'
import type { BriefScheduleRow } from '../store/schema.js'
import { parseSince } from './brief.service.js'
import type { ScheduleInput } from './brief-schedule.service.js'
import { cronFromTimes, zoneFormat } from './cron.js'

const idParam = z.object({ id: z.coerce.number().int().positive() })
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const

const scheduleBody = z
  .object({
    name: z.string().min(1).max(200),
    channelId: z.number().int().positive(),
    /** Five-field cron, several separated by `;`: `0 8 * * 1-5`. */
    cron: z.string().min(9).max(1_000).optional(),
    /** Or daily times (HH:MM) on some weekdays: the usual shift changes. */
    times: z
      .array(z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'HH:MM'))
      .min(1)
      .max(48)
      .optional(),
    days: z.array(z.enum(DAYS)).max(7).optional(),
    timeZone: z.string().min(1).max(64).default('UTC'),
    /** Hours each brief covers; omitted or null: since the previous send. */
    periodHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 31)
      .nullable()
      .default(null),
    enabled: z.boolean().default(true),
  })
  .refine((body) => (body.cron === undefined) !== (body.times === undefined), {
    message: 'give either cron or times',
    path: ['cron'],
  })

const scheduleSchema = z.object({
  id: z.number(),
  name: z.string(),
  channelId: z.number(),
  cron: z.string(),
  timeZone: z.string(),
  periodHours: z.number().nullable(),
  enabled: z.boolean(),
  lastSlotAt: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
})

const toSchedule = (row: BriefScheduleRow) => ({
  id: row.id,
  name: row.name,
  channelId: row.channel_id,
  cron: row.cron,
  timeZone: row.time_zone,
  periodHours: row.period_hours,
  enabled: row.enabled,
  lastSlotAt: row.last_slot_at?.toISOString() ?? null,
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
})

function toInput(body: z.infer<typeof scheduleBody>): ScheduleInput {
  return {
    name: body.name,
    channelId: body.channelId,
    cron: body.cron ?? cronFromTimes(body.times ?? [], body.days).join('; '),
    timeZone: body.timeZone,
    periodHours: body.periodHours,
    enabled: body.enabled,
  }
}

export async function briefScheduleRoutes(app: App, { services }: AppContext): Promise<void> {
  const { briefSchedules } = services

  app.get(
    '/api/v1/brief/schedules',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['brief'],
        summary: 'Schedules that send the brief to a chat channel',
        response: { 200: z.object({ items: z.array(scheduleSchema) }) },
      },
    },
    async () => ({ items: (await briefSchedules.list()).map(toSchedule) }),
  )

  app.get(
    '/api/v1/brief/schedules/:id',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['brief'],
        summary: 'One brief schedule',
        params: idParam,
        response: { 200: scheduleSchema },
      },
    },
    async (request) => toSchedule(await briefSchedules.get(request.params.id)),
  )

  app.post(
    '/api/v1/brief/schedules',
    {
      config: { access: 'engineer' },
      schema: {
        tags: ['brief'],
        summary:
          'Send the brief to a channel at each slot (cron or daily times, in a time zone), once per slot',
        body: scheduleBody,
        response: { 201: scheduleSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          toSchedule(
            await briefSchedules.create(toInput(request.body), requireActor(request), originOf(request)),
          ),
        ),
  )

  app.put(
    '/api/v1/brief/schedules/:id',
    {
      config: { access: 'engineer' },
      schema: {
        tags: ['brief'],
        summary: 'Replace a brief schedule',
        params: idParam,
        body: scheduleBody,
        response: { 200: scheduleSchema },
      },
    },
    async (request) =>
      toSchedule(
        await briefSchedules.update(
          request.params.id,
          toInput(request.body),
          requireActor(request),
          originOf(request),
        ),
      ),
  )

  app.delete(
    '/api/v1/brief/schedules/:id',
    {
      config: { access: 'engineer' },
      schema: { tags: ['brief'], summary: 'Delete a brief schedule', params: idParam },
    },
    async (request, reply) => {
      await briefSchedules.remove(request.params.id, requireActor(request), originOf(request))
      return reply.status(204).send()
    },
  )

  app.post(
    '/api/v1/brief/send',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['brief'],
        summary: 'Send the brief to a channel now, e.g. at a shift change',
        body: z.object({
          channelId: z.number().int().positive(),
          since: z.string().min(1).max(64).default('12h'),
          tz: z.string().max(64).default('UTC'),
          title: z.string().min(1).max(200).optional(),
        }),
        response: {
          202: z.object({
            notificationId: z.number(),
            idempotencyKey: z.string(),
            since: z.string(),
            until: z.string(),
          }),
        },
      },
    },
    async (request, reply) => {
      zoneFormat(request.body.tz)
      const since = parseSince(request.body.since, new Date(), request.body.tz)
      if (!since)
        throw new UserError(
          'invalid_since',
          `"${request.body.since}" is not a time: use 72h, 3d, monday, yesterday or an ISO date`,
          { details: [{ path: 'since', message: 'not understood' }] },
        )
      const sent = await briefSchedules.sendNow(
        { channelId: request.body.channelId, since, title: request.body.title },
        requireActor(request),
        originOf(request),
      )
      return reply.status(202).send({
        notificationId: sent.notificationId,
        idempotencyKey: sent.idempotencyKey,
        since: sent.brief.since,
        until: sent.brief.until,
      })
    },
  )
}
