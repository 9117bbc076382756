import { type Insertable, type Selectable, sql, type Transaction } from 'kysely'
import type { Logger } from 'pino'
import type { RuleCatalog } from '../detect/live/rule-catalog.js'
import { enqueueAlertNotifications } from '../notify/enqueue.js'
import { noticeFromAlert } from '../notify/message.js'
import { NO_ROUTES, type NotifyRouting } from '../notify/router.js'
import type {
  AlertEntities,
  AlertHistoryTable,
  AlertsTable,
  Database,
  DetectionRow,
  NewAlert,
} from '../store/schema.js'
import type { Leadership, Store } from '../store/store.js'
import { type AlertEntityKind, entityRows, indexAlertEntities } from './alert-entity-index.js'
import { mergedSourceFingerprints, openMergeTarget } from './alert-merge.js'
import {
  attackFromTags,
  emptyEntities,
  extractEntities,
  mergeEntities,
  severityOf,
} from './alert-metadata.js'
import { type AlertEventSink, type AlertStreamEventType, alertCreatedEvent } from './alert-stream.js'
import { DetectionView } from './detection-fields.js'
import { ExceptionsService } from './exceptions.service.js'
import { type AlertQuietMetrics, QuietTally } from './quiet-counters.js'
import type { SilencesService } from './silences.service.js'
import {
  groupFingerprint,
  linkSuppressed,
  RuleAlertSettingsService,
  suppressInto,
  suppressionKey,
} from './suppression.js'

export interface AlertBuilderOptions {
  /** A detection joins an open alert with the same fingerprint last seen within this window. */
  dedupWindowMs?: number
  batchSize?: number
  /** Routes new alerts to notification channels (through the outbox, in the same transaction). */
  notify?: NotifyRouting
  /** Exceptions and per-rule grouping/suppression (the server passes its shared services). */
  exceptions?: ExceptionsService
  settings?: RuleAlertSettingsService
  /** Counts what was not raised or not notified, by reason, on /metrics. */
  metrics?: AlertQuietMetrics
  /** Told of each alert opened or updated, once committed (the live alert stream). */
  events?: AlertEventSink
}

interface Group {
  fingerprint: string
  ruleId: string
  /** This rule's dedup window when set per rule. */
  dedupWindowMs: number | null
  suppression: { key: string; windowMs: number; afterClose: 'restart' | 'continue' } | null
  detections: DetectionRow[]
  entities: AlertEntities
  first: Date
  last: Date
  events: { seq: number; detectionId: number }[]
}

const CURSOR = 'alerts'

/**
 * Turns detections into alerts, after a cursor over detection ids kept in the same transaction:
 * detections with the fingerprint of an open alert seen within the dedup window update it (count,
 * last seen, events, entities); others open a new alert. 10,000 detections of one rule on one host
 * make one alert with a count of 10,000.
 */
export class AlertBuilder {
  readonly #window: number
  readonly #batchSize: number
  readonly #notify: NotifyRouting | undefined
  readonly #exceptions: ExceptionsService
  readonly #settings: RuleAlertSettingsService
  readonly #metrics: AlertQuietMetrics | undefined

  constructor(
    private readonly store: Store,
    private readonly catalog: RuleCatalog,
    private readonly silences: SilencesService,
    private readonly logger: Logger,
    private readonly options: AlertBuilderOptions = {},
  ) {
    this.#window = options.dedupWindowMs ?? 24 * 3_600_000
    this.#batchSize = options.batchSize ?? 5_000
    this.#notify = options.notify
    this.#exceptions = options.exceptions ?? new ExceptionsService(store)
    this.#settings = options.settings ?? new RuleAlertSettingsService(store)
    this.#metrics = options.metrics
  }

  #leadership: Leadership | undefined

  /**
   * Runs batches until caught up, on the one node that holds the `alerts` leadership (several
   * workers on one PostgreSQL must not build the same alert twice). Returns detections read.
   */
  async catchUp(): Promise<number> {
    this.#leadership ??= await this.store.locks.tryLeadership('alerts')
    if (!this.#leadership) return 0
    let total = 0
    for (let read = await this.runOnce(); read > 0; read = await this.runOnce()) total += read
    return total
  }

  async release(): Promise<void> {
    await this.#leadership?.release()
    this.#leadership = undefined
  }

  /** Processes one batch of detections; returns how many it read. */
  async runOnce(): Promise<number> {
    const cursor =
      (
        await this.store.db
          .selectFrom('detect_cursors')
          .select('seq')
          .where('name', '=', CURSOR)
          .executeTakeFirst()
      )?.seq ?? 0
    const detections = await this.store.db
      .selectFrom('detections')
      .selectAll()
      .where('id', '>', cursor)
      .orderBy('id')
      .limit(this.#batchSize)
      .execute()
    if (detections.length === 0) return 0
    if (!this.catalog.loaded) await this.catalog.reload().catch(() => undefined)
    const now = new Date()
    const settingsFor = await this.#settings.lookup()
    const exceptionFor = await this.#exceptions.matcher()
    const tally = new QuietTally()
    const exceptionHits = new Map<number, { count: number; lastAt: Date }>()
    const groups = new Map<string, Group>()
    for (const detection of detections) {
      const view = new DetectionView(detection)
      const exceptionId = exceptionFor(view, now)
      if (exceptionId !== undefined) {
        const hit = exceptionHits.get(exceptionId) ?? { count: 0, lastAt: detection.detected_at }
        hit.count += 1
        if (detection.detected_at > hit.lastAt) hit.lastAt = detection.detected_at
        exceptionHits.set(exceptionId, hit)
        tally.add('excepted', detection.rule_id, 1)
        continue
      }
      const settings = settingsFor(detection.rule_id)
      const fingerprint = groupFingerprint(view, settings?.groupBy ?? null)
      const suppression = settings?.suppression
        ? {
            key: suppressionKey(view, settings.suppression.fields),
            windowMs: settings.suppression.windowMs,
            afterClose: settings.suppression.afterClose,
          }
        : null
      // A rule with suppression groups by its suppression key instead of deduplicating.
      const groupKey = suppression ? `suppress:${suppression.key}` : fingerprint
      let group = groups.get(groupKey)
      if (!group) {
        group = {
          fingerprint,
          ruleId: detection.rule_id,
          dedupWindowMs: settings?.dedupWindowMs ?? null,
          suppression,
          detections: [],
          entities: emptyEntities(),
          first: detection.detected_at,
          last: detection.detected_at,
          events: [],
        }
        groups.set(groupKey, group)
      }
      group.detections.push(detection)
      // Under suppression the alert is the first detection; the others only count and link.
      if (group.suppression && group.detections.length > 1) continue
      if (detection.detected_at < group.first) group.first = detection.detected_at
      if (detection.detected_at > group.last) group.last = detection.detected_at
      extractEntities(group.entities, detection.context as Record<string, unknown> | null, detection.matched)
      for (const seq of detection.event_seqs) group.events.push({ seq, detectionId: detection.id })
    }
    let opened = 0
    let updated = 0
    let suppressed = 0
    const silenceFor = await this.silences.matcher()
    const mergedAway = await mergedSourceFingerprints(this.store)
    const router = (await this.#notify?.router()) ?? NO_ROUTES
    const announced: [AlertStreamEventType, Record<string, unknown>][] = []
    await this.store.transaction(async (trx) => {
      const openAlerts = await openAlertsByFingerprint(
        trx,
        [...groups.values()].filter((group) => !group.suppression).map((group) => group.fingerprint),
      )
      // Rows for every alert of the batch, written together after the loop: on DuckDB each
      // statement costs about a millisecond, which a storm of thousands of new alerts pays per row.
      const entityRowsToIndex: { alert_id: number; kind: AlertEntityKind; value: string }[] = []
      const history: Insertable<AlertHistoryTable>[] = []
      const links: { alert_id: number; event_seq: number; detection_id: number }[] = []
      const opening: { group: Group; alert: NewAlert }[] = []
      for (const group of groups.values()) {
        if (group.suppression && (await suppressInto(trx, group, now))) {
          suppressed += group.detections.length
          tally.add('suppressed', group.ruleId, group.detections.length)
          continue
        }
        const dedupSince = new Date(group.first.getTime() - (group.dedupWindowMs ?? this.#window))
        const open = group.suppression
          ? undefined
          : (openAlerts.get(group.fingerprint)?.find((alert) => alert.last_seen >= dedupSince) ??
            (mergedAway.has(group.fingerprint)
              ? await openMergeTarget(trx, group.fingerprint, dedupSince)
              : undefined))
        let alertId: number
        if (open) {
          alertId = open.id
          const entitiesBefore = JSON.stringify(open.entities)
          const entities = mergeEntities(open.entities, group.entities)
          const entitiesJson = JSON.stringify(entities)
          await trx
            .updateTable('alerts')
            .set({
              event_count: sql`event_count + ${group.events.length}`,
              last_seen: new Date(Math.max(group.last.getTime(), open.last_seen.getTime())),
              first_seen: new Date(Math.min(group.first.getTime(), open.first_seen.getTime())),
              entities: entitiesJson,
              updated_at: now,
            })
            .where('id', '=', alertId)
            .execute()
          // Most detections joining an open alert bring no new entity: the index stays as it is.
          if (entitiesJson !== entitiesBefore) await indexAlertEntities(trx, alertId, entities)
          updated += 1
          announced.push([
            'alert.updated',
            {
              alertId,
              changes: ['count'],
              countAdded: group.events.length,
              lastSeen: group.last.toISOString(),
            },
          ])
          tally.add('deduplicated', group.ruleId, group.detections.length)
        } else {
          const alert = this.#newAlert(group, now)
          if (group.suppression) {
            // The first detection opens the alert and its window; the rest of the group is suppressed.
            alert.suppression_key = group.suppression.key
            alert.suppressed_until = new Date(group.first.getTime() + group.suppression.windowMs)
            alert.suppressed_count = group.detections.length - 1
            tally.add('suppressed', group.ruleId, group.detections.length - 1)
          } else tally.add('deduplicated', group.ruleId, group.detections.length - 1)
          alert.silenced_by =
            silenceFor(
              {
                ruleId: alert.rule_id,
                ruleTitle: alert.rule_title,
                severity: alert.severity,
                source: alert.source ?? null,
                entities: group.entities,
                tags: group.detections[0]!.tags,
              },
              now,
            ) ?? null
          if (alert.silenced_by !== null) {
            tally.add('silenced', group.ruleId, 1)
            await trx
              .updateTable('silences')
              .set({ matched_count: sql`matched_count + 1` })
              .where('id', '=', alert.silenced_by)
              .execute()
          }
          // Inserted with the batch's other new alerts after the loop, which links their events.
          opening.push({ group, alert })
          continue
        }
        // Link at most the first events of a flood: the count keeps the true number.
        for (const event of group.events.slice(0, 1_000))
          links.push({ alert_id: alertId, event_seq: event.seq, detection_id: event.detectionId })
      }
      for (const { group, inserted } of await insertAlerts(trx, opening)) {
        const alertId = inserted.id
        for (const [kind, value] of entityRows(group.entities))
          entityRowsToIndex.push({ alert_id: alertId, kind, value })
        announced.push(['alert.created', alertCreatedEvent(inserted)])
        if (group.suppression) await linkSuppressed(trx, alertId, group.detections.slice(1))
        await enqueueAlertNotifications(
          trx,
          router,
          { ...noticeFromAlert(inserted), silenced: inserted.silenced_by !== null },
          { event: 'alert.created', changedAt: now },
        )
        history.push({
          alert_id: alertId,
          occurred_at: now,
          actor: 'system',
          action: 'created',
          from_value: null,
          to_value: 'new',
          comment: null,
          details: null,
        })
        for (const event of group.events.slice(0, 1_000))
          links.push({ alert_id: alertId, event_seq: event.seq, detection_id: event.detectionId })
        opened += 1
      }
      for (let start = 0; start < entityRowsToIndex.length; start += 1_000)
        await trx
          .insertInto('alert_entities')
          .values(entityRowsToIndex.slice(start, start + 1_000))
          .execute()
      for (let start = 0; start < history.length; start += 1_000)
        await trx
          .insertInto('alert_history')
          .values(history.slice(start, start + 1_000))
          .execute()
      for (let start = 0; start < links.length; start += 1_000) {
        await trx
          .insertInto('alert_events')
          .values(links.slice(start, start + 1_000))
          .onConflict((conflict) => conflict.columns(['alert_id', 'event_seq']).doNothing())
          .execute()
      }
      await tally.write(trx, now)
      await this.#exceptions.recordHits(trx, exceptionHits)
      await trx
        .insertInto('detect_cursors')
        .values({ name: CURSOR, seq: detections.at(-1)!.id, updated_at: now })
        .onConflict((conflict) =>
          conflict
            .column('name')
            .doUpdateSet({ seq: sql`excluded.seq`, updated_at: sql`excluded.updated_at` }),
        )
        .execute()
    })
    this.#metrics?.observe(tally)
    for (const [type, data] of announced) this.options.events?.publish(type, data)
    if (opened + updated + suppressed + exceptionHits.size > 0)
      this.logger.info(
        { detections: detections.length, opened, updated, suppressed, excepted: exceptionHits.size },
        'alerts updated',
      )
    return detections.length
  }

  /** What the rule says for the analyst: a Sigma rule's, or a correlation rule's own text. */
  #ruleText(
    ruleId: string,
  ): { description: string | null; references: string[]; falsePositives: string[] } | undefined {
    if (!this.catalog.loaded) return undefined
    const { rules, correlations } = this.catalog.snapshot
    const rule = rules.find((candidate) => candidate.id === ruleId)
    if (rule) return rule
    const correlation = correlations.find((candidate) => candidate.id === ruleId)
    if (!correlation) return undefined
    const texts = (value: unknown) =>
      Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
    return {
      description: correlation.description ?? null,
      references: texts(correlation.attributes.references),
      falsePositives: texts(correlation.attributes.falsepositives),
    }
  }

  #newAlert(group: Group, now: Date): NewAlert {
    const first = group.detections[0]!
    const rule = this.#ruleText(first.rule_id)
    const { severity, risk } = severityOf(first.level)
    const { tactics, techniques } = attackFromTags(first.tags)
    return {
      fingerprint: group.fingerprint,
      kind: first.kind,
      rule_id: first.rule_id,
      rule_title: first.rule_title,
      severity,
      risk_score: risk,
      status: 'new',
      resolution: null,
      close_comment: null,
      assignee: null,
      tags: JSON.stringify(first.tags),
      tactics: JSON.stringify(tactics),
      techniques: JSON.stringify(techniques),
      description: rule?.description ?? null,
      refs: JSON.stringify(rule?.references ?? []),
      false_positives: JSON.stringify(rule?.falsePositives ?? []),
      entities: JSON.stringify(group.entities),
      matched: JSON.stringify(first.matched),
      source: first.source,
      first_seen: group.first,
      last_seen: group.last,
      event_count: group.events.length,
      created_at: now,
      updated_at: now,
      acknowledged_at: null,
      closed_at: null,
      incident_id: null,
      merged_into: null,
    }
  }
}

type OpenAlert = Pick<Selectable<AlertsTable>, 'id' | 'entities' | 'last_seen' | 'first_seen'>

/**
 * The alerts a batch's groups may join, newest first per fingerprint, in one query per 500
 * fingerprints: open (not closed, not merged away). Each group then takes the newest one seen
 * within its own dedup window.
 */
async function openAlertsByFingerprint(
  trx: Transaction<Database>,
  fingerprints: string[],
): Promise<Map<string, OpenAlert[]>> {
  const byFingerprint = new Map<string, OpenAlert[]>()
  for (let start = 0; start < fingerprints.length; start += 500) {
    const rows = await trx
      .selectFrom('alerts')
      .select(['id', 'fingerprint', 'entities', 'last_seen', 'first_seen'])
      .where('fingerprint', 'in', fingerprints.slice(start, start + 500))
      .where('status', '!=', 'closed')
      .where('merged_into', 'is', null)
      .orderBy('id', 'desc')
      .execute()
    for (const { fingerprint, ...alert } of rows) {
      const list = byFingerprint.get(fingerprint)
      if (list) list.push(alert)
      else byFingerprint.set(fingerprint, [alert])
    }
  }
  return byFingerprint
}

/**
 * Inserts a batch's new alerts, 200 per statement, and pairs each returned row with its group by
 * (fingerprint, suppression key), which is unique among a batch's groups: the pairing does not
 * depend on the order an engine returns rows in.
 */
async function insertAlerts<T extends { alert: NewAlert }>(
  trx: Transaction<Database>,
  opening: T[],
): Promise<Array<T & { inserted: Selectable<AlertsTable> }>> {
  const key = (fingerprint: string, suppressionKey: string | null | undefined) =>
    `${fingerprint}\u0000${suppressionKey ?? ''}`
  const paired: Array<T & { inserted: Selectable<AlertsTable> }> = []
  for (let start = 0; start < opening.length; start += 200) {
    const chunk = opening.slice(start, start + 200)
    const rows = await trx
      .insertInto('alerts')
      .values(chunk.map((item) => item.alert))
      .returningAll()
      .execute()
    const byKey = new Map(rows.map((row) => [key(row.fingerprint, row.suppression_key), row]))
    for (const item of chunk) {
      const inserted = byKey.get(key(item.alert.fingerprint, item.alert.suppression_key))
      if (!inserted) throw new Error(`alert ${item.alert.fingerprint} was not returned by its insert`)
      paired.push({ ...item, inserted })
    }
  }
  return paired
}
