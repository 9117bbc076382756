import { sql } from 'kysely'
import { EXPIRING_SOON_MS } from '../alerts/exceptions.service.js'
import type { AlertExceptionRow } from '../store/schema.js'
import type { Store } from '../store/store.js'

export interface Brief {
  since: string
  until: string
  alerts: {
    newCount: number
    stillOpen: number
    bySeverity: Record<string, { new: number; open: number }>
    topRules: { ruleId: string; title: string; severity: string; alerts: number; events: number }[]
    unassignedCritical: {
      id: number
      title: string
      severity: string
      host: string | null
      firstSeen: string
    }[]
    silenced: number
  }
  incidents: {
    opened: { id: number; title: string; severity: string; status: string }[]
    changed: { id: number; title: string; status: string; updatedAt: string }[]
    closed: { id: number; title: string; resolution: string | null }[]
    open: number
  }
  followUps: {
    due: {
      id: number
      incidentId: number
      title: string
      owner: string | null
      dueAt: string | null
      overdue: boolean
    }[]
  }
  silences: { expiringSoon: { id: number; endsAt: string; comment: string; author: string }[] }
  /** Exceptions due for review (ending within a week) and those that ended in the period. */
  exceptions: {
    expiringSoon: BriefException[]
    expired: BriefException[]
  }
  sources: { silent: { name: string; silentSince: string; lastReceivedAt: string | null }[] }
}

export interface BriefException {
  id: number
  ruleId: string | null
  owner: string
  reason: string
  expiresAt: string
  hitCount: number
}

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info']

/**
 * "What came in while I was away": everything an engineer needs to plug in after a shift or a
 * weekend, for any period: alerts by severity and rule, incidents opened, changed and closed,
 * follow-ups due, silences about to end, sources gone quiet.
 */
export class BriefService {
  constructor(private readonly store: Store) {}

  async build(since: Date, until = new Date()): Promise<Brief> {
    const db = this.store.db
    const newAlerts = await db
      .selectFrom('alerts')
      .select(['severity', (eb) => eb.fn.countAll<number>().as('n')])
      .where('created_at', '>=', since)
      .where('created_at', '<', until)
      .where('merged_into', 'is', null)
      .groupBy('severity')
      .execute()
    const openAlerts = await db
      .selectFrom('alerts')
      .select(['severity', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', '!=', 'closed')
      .where('merged_into', 'is', null)
      .groupBy('severity')
      .execute()
    const bySeverity: Brief['alerts']['bySeverity'] = {}
    for (const severity of SEVERITY_ORDER) bySeverity[severity] = { new: 0, open: 0 }
    const countsFor = (severity: string) => {
      bySeverity[severity] ??= { new: 0, open: 0 }
      return bySeverity[severity]
    }
    for (const row of newAlerts) countsFor(row.severity).new = Number(row.n)
    for (const row of openAlerts) countsFor(row.severity).open = Number(row.n)

    const topRules = await db
      .selectFrom('alerts')
      .select([
        'rule_id',
        'rule_title',
        'severity',
        (eb) => eb.fn.countAll<number>().as('alerts'),
        (eb) => eb.fn.sum<number>('event_count').as('events'),
      ])
      .where('last_seen', '>=', since)
      .where('merged_into', 'is', null)
      .groupBy(['rule_id', 'rule_title', 'severity'])
      .orderBy(sql`count(*)`, 'desc')
      .limit(10)
      .execute()
    const unassignedCritical = await db
      .selectFrom('alerts')
      .select(['id', 'rule_title', 'severity', 'entities', 'first_seen'])
      .where('status', '!=', 'closed')
      .where('assignee', 'is', null)
      .where('severity', 'in', ['critical', 'high'])
      .where('merged_into', 'is', null)
      .orderBy('first_seen')
      .limit(20)
      .execute()
    const silenced = await db
      .selectFrom('alerts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('created_at', '>=', since)
      .where('silenced_by', 'is not', null)
      .executeTakeFirst()

    const opened = await db
      .selectFrom('incidents')
      .select(['id', 'title', 'severity', 'status'])
      .where('created_at', '>=', since)
      .where('created_at', '<', until)
      .orderBy('id')
      .execute()
    const changed = await db
      .selectFrom('incidents')
      .select(['id', 'title', 'status', 'updated_at'])
      .where('updated_at', '>=', since)
      .where('created_at', '<', since)
      .where('status', '!=', 'closed')
      .orderBy('updated_at', 'desc')
      .execute()
    const closed = await db
      .selectFrom('incidents')
      .select(['id', 'title', 'resolution'])
      .where('closed_at', '>=', since)
      .where('merged_into', 'is', null)
      .orderBy('id')
      .execute()
    const openIncidents = await db
      .selectFrom('incidents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '!=', 'closed')
      .executeTakeFirst()

    const soon = new Date(until.getTime() + 7 * 86_400_000)
    const followUps = await db
      .selectFrom('incident_tasks')
      .select(['id', 'incident_id', 'title', 'owner', 'due_at'])
      .where('kind', '=', 'follow_up')
      .where('status', 'in', ['open', 'in_progress'])
      .where((eb) => eb.or([eb('due_at', 'is', null), eb('due_at', '<=', soon)]))
      .orderBy('due_at')
      .execute()
    const expiring = await db
      .selectFrom('silences')
      .select(['id', 'ends_at', 'comment', 'author'])
      .where('expired_at', 'is', null)
      .where('ends_at', '>', until)
      .where('ends_at', '<=', new Date(until.getTime() + 86_400_000))
      .orderBy('ends_at')
      .execute()
    const exceptionColumns = ['id', 'rule_id', 'owner', 'reason', 'expires_at', 'hit_count'] as const
    const exceptionsExpiring = await db
      .selectFrom('alert_exceptions')
      .select(exceptionColumns)
      .where('expired_at', 'is', null)
      .where('expires_at', '>', until)
      .where('expires_at', '<=', new Date(until.getTime() + EXPIRING_SOON_MS))
      .orderBy('expires_at')
      .execute()
    const exceptionsExpired = await db
      .selectFrom('alert_exceptions')
      .select(exceptionColumns)
      .where((eb) =>
        eb.or([
          eb.and([eb('expired_at', '>=', since), eb('expired_at', '<=', until)]),
          eb.and([
            eb('expired_at', 'is', null),
            eb('expires_at', '>=', since),
            eb('expires_at', '<=', until),
          ]),
        ]),
      )
      .orderBy('expires_at')
      .execute()
    const silent = await db
      .selectFrom('sources')
      .select(['name', 'silent_since', 'last_received_at'])
      .where('silent_since', 'is not', null)
      .orderBy('name')
      .execute()

    return {
      since: since.toISOString(),
      until: until.toISOString(),
      alerts: {
        newCount: newAlerts.reduce((sum, row) => sum + Number(row.n), 0),
        stillOpen: openAlerts.reduce((sum, row) => sum + Number(row.n), 0),
        bySeverity,
        topRules: topRules.map((row) => ({
          ruleId: row.rule_id,
          title: row.rule_title,
          severity: row.severity,
          alerts: Number(row.alerts),
          events: Number(row.events),
        })),
        unassignedCritical: unassignedCritical.map((row) => ({
          id: row.id,
          title: row.rule_title,
          severity: row.severity,
          host: row.entities.hosts[0] ?? null,
          firstSeen: row.first_seen.toISOString(),
        })),
        silenced: Number(silenced?.n ?? 0),
      },
      incidents: {
        opened,
        changed: changed.map((row) => ({
          id: row.id,
          title: row.title,
          status: row.status,
          updatedAt: row.updated_at.toISOString(),
        })),
        closed,
        open: Number(openIncidents?.n ?? 0),
      },
      followUps: {
        due: followUps.map((row) => ({
          id: row.id,
          incidentId: row.incident_id,
          title: row.title,
          owner: row.owner,
          dueAt: row.due_at?.toISOString() ?? null,
          overdue: row.due_at !== null && row.due_at < until,
        })),
      },
      silences: {
        expiringSoon: expiring.map((row) => ({
          id: row.id,
          endsAt: row.ends_at.toISOString(),
          comment: row.comment,
          author: row.author,
        })),
      },
      exceptions: {
        expiringSoon: exceptionsExpiring.map(toBriefException),
        expired: exceptionsExpired.map(toBriefException),
      },
      sources: {
        silent: silent.map((row) => ({
          name: row.name,
          silentSince: row.silent_since!.toISOString(),
          lastReceivedAt: row.last_received_at?.toISOString() ?? null,
        })),
      },
    }
  }
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']

/**
 * `72h`, `3d`, `90m`, `monday` (the most recent Monday 00:00 in the given zone, a week ago when
 * today is Monday), `yesterday`, or an ISO date.
 */
export function parseSince(text: string, now = new Date(), timeZone = 'UTC'): Date | undefined {
  const value = text.trim().toLowerCase()
  const relative = /^(\d+)\s*([mhdw])$/.exec(value)
  if (relative)
    return new Date(
      now.getTime() -
        Number(relative[1]) *
          { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[relative[2] as 'm' | 'h' | 'd' | 'w'],
    )
  const localMidnight = (daysBack: number) => {
    const parts = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(now)
    const get = (type: string) => Number(parts.find((part) => part.type === type)?.value)
    const sinceMidnightMs = ((get('hour') * 60 + get('minute')) * 60 + get('second')) * 1000
    return new Date(now.getTime() - sinceMidnightMs - daysBack * 86_400_000 - (now.getTime() % 1000))
  }
  if (value === 'today') return localMidnight(0)
  if (value === 'yesterday') return localMidnight(1)
  const weekday = WEEKDAYS.indexOf(value)
  if (weekday >= 0) {
    const today = WEEKDAYS.indexOf(
      new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'long' }).format(now).toLowerCase(),
    )
    const back = (today - weekday + 7) % 7 || 7
    return localMidnight(back)
  }
  const date = new Date(text)
  return Number.isNaN(date.getTime()) ? undefined : date
}

function toBriefException(
  row: Pick<AlertExceptionRow, 'id' | 'rule_id' | 'owner' | 'reason' | 'expires_at' | 'hit_count'>,
): BriefException {
  return {
    id: row.id,
    ruleId: row.rule_id,
    owner: row.owner,
    reason: row.reason,
    expiresAt: row.expires_at.toISOString(),
    hitCount: Number(row.hit_count),
  }
}
