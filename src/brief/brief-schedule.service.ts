import { randomUUID } from 'node:crypto'
import type { Transaction } from 'kysely'
import type { Actor, RequestOrigin } from '../auth/actor.js'
import { appendAudit } from '../auth/audit.js'
import { NotFoundError, UserError } from '../core/errors.js'
import type { BriefScheduleRow, Database } from '../store/schema.js'
import type { Store } from '../store/store.js'
import type { Brief, BriefService } from './brief.service.js'
import type { BriefNotice } from './brief-message.js'
import { latestSlot, parseCronList, zoneFormat } from './cron.js'

type Trx = Transaction<Database>

/** Channels that can show a brief; PagerDuty pages people and has no place for one. */
const BRIEF_CHANNEL_KINDS = ['slack', 'teams', 'email', 'webhook']
/** A slot missed for longer than this (every node down) is skipped rather than sent late. */
const LOOKBACK_MS = 6 * 3_600_000
/** "Since the last send" on a schedule's first slot. */
const FIRST_PERIOD_MS = 24 * 3_600_000
/** Lists in a chat message are cut to this length; the counts stay exact. */
const LISTED_IN_PAYLOAD = 50

export interface ScheduleInput {
  name: string
  channelId: number
  /** Cron expressions separated by `;`, in `timeZone`. */
  cron: string
  timeZone: string
  /** Hours each brief covers; null: since the previous slot. */
  periodHours: number | null
  enabled: boolean
}

function trimmed(brief: Brief): Brief {
  return {
    ...brief,
    alerts: {
      ...brief.alerts,
      unassignedCritical: brief.alerts.unassignedCritical.slice(0, LISTED_IN_PAYLOAD),
    },
    incidents: {
      ...brief.incidents,
      opened: brief.incidents.opened.slice(0, LISTED_IN_PAYLOAD),
      changed: brief.incidents.changed.slice(0, LISTED_IN_PAYLOAD),
      closed: brief.incidents.closed.slice(0, LISTED_IN_PAYLOAD),
    },
    followUps: { due: brief.followUps.due.slice(0, LISTED_IN_PAYLOAD) },
  }
}

/**
 * Sends the brief to chat: on a schedule (cron in a time zone) and on demand at a shift change.
 * Each send is one outbox row whose idempotency key names the schedule and the slot, inserted
 * with ON CONFLICT DO NOTHING: however many nodes run the periodic task, a slot is sent once.
 */
export class BriefScheduleService {
  constructor(
    private readonly store: Store,
    private readonly briefs: BriefService,
  ) {}

  list(): Promise<BriefScheduleRow[]> {
    return this.store.db.selectFrom('brief_schedules').selectAll().orderBy('id').execute()
  }

  async get(id: number): Promise<BriefScheduleRow> {
    const row = await this.store.db
      .selectFrom('brief_schedules')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) throw new NotFoundError('brief schedule', id)
    return row
  }

  async create(input: ScheduleInput, actor: Actor, origin: RequestOrigin): Promise<BriefScheduleRow> {
    await this.#check(input)
    return this.store.transaction(async (trx) => {
      const now = new Date()
      const row = await trx
        .insertInto('brief_schedules')
        .values({
          name: input.name,
          channel_id: input.channelId,
          cron: input.cron,
          time_zone: input.timeZone,
          period_hours: input.periodHours,
          enabled: input.enabled,
          last_slot_at: null,
          created_by: actor.name,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await appendAudit(this.store, trx, actor, origin, {
        action: 'brief_schedule.create',
        targetType: 'brief_schedule',
        targetId: row.id,
        details: { after: input },
      })
      return row
    })
  }

  async update(
    id: number,
    input: ScheduleInput,
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<BriefScheduleRow> {
    await this.#check(input)
    return this.store.transaction(async (trx) => {
      const before = await trx
        .selectFrom('brief_schedules')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst()
      if (!before) throw new NotFoundError('brief schedule', id)
      const row = await trx
        .updateTable('brief_schedules')
        .set({
          name: input.name,
          channel_id: input.channelId,
          cron: input.cron,
          time_zone: input.timeZone,
          period_hours: input.periodHours,
          enabled: input.enabled,
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      await appendAudit(this.store, trx, actor, origin, {
        action: 'brief_schedule.update',
        targetType: 'brief_schedule',
        targetId: id,
        details: {
          before: {
            name: before.name,
            channelId: before.channel_id,
            cron: before.cron,
            timeZone: before.time_zone,
          },
          after: input,
        },
      })
      return row
    })
  }

  async remove(id: number, actor: Actor, origin: RequestOrigin): Promise<void> {
    await this.store.transaction(async (trx) => {
      const deleted = await trx.deleteFrom('brief_schedules').where('id', '=', id).executeTakeFirst()
      if (Number(deleted.numDeletedRows) === 0) throw new NotFoundError('brief schedule', id)
      await appendAudit(this.store, trx, actor, origin, {
        action: 'brief_schedule.delete',
        targetType: 'brief_schedule',
        targetId: id,
      })
    })
  }

  /**
   * The periodic task: for each enabled schedule whose latest slot has not been sent, builds the
   * brief and enqueues it once. Returns how many briefs this call enqueued.
   */
  async runDue(now = new Date()): Promise<number> {
    const schedules = await this.store.db
      .selectFrom('brief_schedules')
      .selectAll()
      .where('enabled', '=', true)
      .execute()
    let enqueued = 0
    for (const schedule of schedules) {
      // Slots before the schedule existed are never sent.
      const after = schedule.last_slot_at ?? schedule.created_at
      const slot = latestSlot(parseCronList(schedule.cron), schedule.time_zone, now, after, LOOKBACK_MS)
      if (!slot) continue
      const since = schedule.period_hours
        ? new Date(slot.getTime() - schedule.period_hours * 3_600_000)
        : (schedule.last_slot_at ?? new Date(slot.getTime() - FIRST_PERIOD_MS))
      const brief = await this.briefs.build(since, slot)
      const inserted = await this.store.transaction(async (trx) => {
        const id = await this.#enqueue(
          trx,
          schedule.channel_id,
          `brief:schedule-${schedule.id}:${slot.toISOString()}`,
          {
            title: schedule.name,
            brief: trimmed(brief),
          },
        )
        await trx
          .updateTable('brief_schedules')
          .set({ last_slot_at: slot })
          .where('id', '=', schedule.id)
          .where((eb) => eb.or([eb('last_slot_at', 'is', null), eb('last_slot_at', '<', slot)]))
          .execute()
        return id
      })
      if (inserted !== undefined) enqueued += 1
    }
    return enqueued
  }

  /** Sends the brief now (a shift change); audited with who asked. */
  async sendNow(
    input: { channelId: number; since: Date; title?: string | undefined },
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<{ notificationId: number; idempotencyKey: string; brief: Brief }> {
    await this.#checkChannel(input.channelId)
    const brief = await this.briefs.build(input.since)
    const idempotencyKey = `brief:manual:${randomUUID()}`
    const notificationId = await this.store.transaction(async (trx) => {
      const id = await this.#enqueue(trx, input.channelId, idempotencyKey, {
        title: input.title ?? `Shift change (sent by ${actor.name})`,
        brief: trimmed(brief),
      })
      await appendAudit(this.store, trx, actor, origin, {
        action: 'brief.send',
        targetType: 'notify_channel',
        targetId: input.channelId,
        details: { since: brief.since, until: brief.until, notificationId: id ?? null },
      })
      return id
    })
    if (notificationId === undefined) throw new UserError('brief_not_enqueued', 'the brief was not enqueued')
    return { notificationId, idempotencyKey, brief }
  }

  /** The outbox row's id, or undefined when that key was already enqueued (by another node). */
  async #enqueue(trx: Trx, channelId: number, key: string, notice: BriefNotice): Promise<number | undefined> {
    const now = new Date()
    const row = await trx
      .insertInto('notification_outbox')
      .values({
        idempotency_key: key,
        channel_id: channelId,
        alert_id: null,
        event: 'brief',
        payload: JSON.stringify({ brief: notice }),
        status: 'pending',
        next_attempt_at: now,
        lease_owner: null,
        lease_expires_at: null,
        last_error: null,
        digest_id: null,
        created_at: now,
        delivered_at: null,
      })
      .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
      .returning('id')
      .executeTakeFirst()
    return row?.id
  }

  async #check(input: ScheduleInput): Promise<void> {
    parseCronList(input.cron)
    zoneFormat(input.timeZone)
    await this.#checkChannel(input.channelId)
  }

  async #checkChannel(channelId: number): Promise<void> {
    const channel = await this.store.db
      .selectFrom('notify_channels')
      .select(['kind'])
      .where('id', '=', channelId)
      .executeTakeFirst()
    if (!channel) throw new NotFoundError('notification channel', channelId)
    if (!BRIEF_CHANNEL_KINDS.includes(channel.kind))
      throw new UserError(
        'channel_kind_unsuitable',
        `a ${channel.kind} channel cannot carry a brief; use ${BRIEF_CHANNEL_KINDS.join(', ')}`,
        { details: [{ path: 'channelId', message: `kind ${channel.kind}` }] },
      )
  }
}
