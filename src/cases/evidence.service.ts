import type { ReadStream } from 'node:fs'
import type { Readable } from 'node:stream'
import type { Transaction } from 'kysely'
import type { Actor, RequestOrigin } from '../auth/actor.js'
import { appendAudit } from '../auth/audit.js'
import { NotFoundError, UserError } from '../core/errors.js'
import type { CustodyAction, CustodyRow, Database, EvidenceRow } from '../store/schema.js'
import type { Store } from '../store/store.js'
import type { EvidenceFiles, StoredFile } from './evidence-files.js'
import { writeTimeline } from './timeline-writer.js'

type Trx = Transaction<Database>

export interface NewEvidence {
  name: string
  description?: string | undefined
  mediaType: string
  /** Who took it from its origin (default: the uploader), when, where and how. */
  acquiredBy?: string | undefined
  acquiredAt?: Date | undefined
  acquiredWhere?: string | undefined
  acquisitionMethod?: string | undefined
  reason?: string | undefined
}

export interface VerifyResult {
  evidence: EvidenceRow
  result: 'intact' | 'modified' | 'missing'
  expectedSha256: string
  actualSha256: string | null
  actualSizeBytes: number | null
}

interface CustodyEvent {
  action: CustodyAction
  reason?: string | null | undefined
  details?: Record<string, unknown> | undefined
  occurredAt?: Date | undefined
  actorName?: string | undefined
}

/** Events of the chain of custody that also go on the incident timeline (views stay in custody only). */
const ON_TIMELINE: Partial<Record<CustodyAction, string>> = {
  upload: 'added',
  download: 'downloaded',
  export: 'exported',
  transfer: 'transferred',
  verify: 'verified',
}

/**
 * Evidence of an incident and its chain of custody. The file is hashed as it streams to disk;
 * every acquisition, upload, view, download, export and verification is recorded with who, when
 * and why, audited and (except views) written to the incident timeline in the same transaction.
 */
export class EvidenceService {
  constructor(
    private readonly store: Store,
    private readonly files: EvidenceFiles,
    private readonly maxBytes: number,
  ) {}

  async add(
    incidentId: number,
    input: NewEvidence,
    body: Readable,
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<{ evidence: EvidenceRow; deduplicated: boolean }> {
    await this.#incidentExists(incidentId)
    const stored = await this.files.store(body, this.maxBytes)
    try {
      return {
        evidence: await this.#record(incidentId, input, stored, actor, origin),
        deduplicated: stored.deduplicated,
      }
    } catch (error) {
      // A file this upload brought, which no evidence row came to reference, is not kept.
      if (!stored.deduplicated) await this.#forgetUnreferenced(stored.sha256)
      throw error
    }
  }

  async #forgetUnreferenced(sha256: string): Promise<void> {
    const referenced = await this.store.db
      .selectFrom('incident_evidence')
      .select('id')
      .where('sha256', '=', sha256)
      .executeTakeFirst()
      .catch(() => ({ id: 0 }))
    if (!referenced) await this.files.remove(sha256)
  }

  async #record(
    incidentId: number,
    input: NewEvidence,
    stored: StoredFile,
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<EvidenceRow> {
    return this.store.transaction(async (trx) => {
      const now = new Date()
      const row = await trx
        .insertInto('incident_evidence')
        .values({
          incident_id: incidentId,
          name: input.name,
          description: input.description ?? null,
          media_type: input.mediaType,
          sha256: stored.sha256,
          size_bytes: stored.sizeBytes,
          acquired_by: input.acquiredBy ?? actor.name,
          acquired_at: input.acquiredAt ?? now,
          acquired_where: input.acquiredWhere ?? null,
          acquisition_method: input.acquisitionMethod ?? null,
          uploaded_by: actor.name,
          uploaded_at: now,
          last_verified_at: null,
          last_verify_result: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await this.#custody(trx, row, actor, {
        action: 'acquire',
        occurredAt: row.acquired_at,
        actorName: row.acquired_by,
        details: { where: row.acquired_where, method: row.acquisition_method },
      })
      await this.#custody(trx, row, actor, {
        action: 'upload',
        reason: input.reason,
        details: { sha256: row.sha256, sizeBytes: Number(row.size_bytes), deduplicated: stored.deduplicated },
      })
      await appendAudit(this.store, trx, actor, origin, {
        action: 'evidence.add',
        targetType: 'incident',
        targetId: incidentId,
        details: {
          evidenceId: row.id,
          sha256: row.sha256,
          sizeBytes: Number(row.size_bytes),
          name: row.name,
        },
      })
      return row
    })
  }

  async list(incidentId: number): Promise<EvidenceRow[]> {
    await this.#incidentExists(incidentId)
    return this.store.db
      .selectFrom('incident_evidence')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .orderBy('id')
      .execute()
  }

  /** One item's metadata; looking at it is part of the chain of custody. */
  async view(
    incidentId: number,
    evidenceId: number,
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<EvidenceRow> {
    return this.store.transaction(async (trx) => {
      const row = await this.#get(trx, incidentId, evidenceId)
      await this.#custody(trx, row, actor, { action: 'view' })
      await appendAudit(this.store, trx, actor, origin, {
        action: 'evidence.view',
        targetType: 'evidence',
        targetId: evidenceId,
        details: { incidentId },
      })
      return row
    })
  }

  /** Records the download (with its reason) before handing out the file. */
  async download(
    incidentId: number,
    evidenceId: number,
    reason: string,
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<{ evidence: EvidenceRow; stream: ReadStream }> {
    if (!reason.trim())
      throw new UserError('reason_required', 'a download needs a reason for the chain of custody', {
        details: [{ path: 'reason', message: 'required' }],
      })
    const row = await this.#getOutside(incidentId, evidenceId)
    const stream = await this.files.open(row.sha256)
    if (!stream)
      throw new UserError('evidence_missing', `the file of evidence ${evidenceId} is missing from storage`, {
        status: 410,
      })
    try {
      await this.store.transaction(async (trx) => {
        await this.#custody(trx, row, actor, { action: 'download', reason })
        await appendAudit(this.store, trx, actor, origin, {
          action: 'evidence.download',
          targetType: 'evidence',
          targetId: evidenceId,
          details: { incidentId, reason, sha256: row.sha256 },
        })
      })
    } catch (error) {
      stream.destroy()
      throw error
    }
    return { evidence: row, stream }
  }

  /** Re-hashes the stored file and reports `intact`, `modified` (both hashes) or `missing`. */
  async verify(
    incidentId: number,
    evidenceId: number,
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<VerifyResult> {
    const before = await this.#getOutside(incidentId, evidenceId)
    const actual = await this.files.rehash(before.sha256)
    const result = !actual ? 'missing' : actual.sha256 === before.sha256 ? 'intact' : 'modified'
    const evidence = await this.store.transaction(async (trx) => {
      const now = new Date()
      const row = await trx
        .updateTable('incident_evidence')
        .set({ last_verified_at: now, last_verify_result: result })
        .where('id', '=', evidenceId)
        .returningAll()
        .executeTakeFirstOrThrow()
      const details = {
        result,
        expectedSha256: before.sha256,
        actualSha256: actual?.sha256 ?? null,
        actualSizeBytes: actual?.sizeBytes ?? null,
      }
      await this.#custody(trx, row, actor, { action: 'verify', details, occurredAt: now })
      await appendAudit(this.store, trx, actor, origin, {
        action: 'evidence.verify',
        targetType: 'evidence',
        targetId: evidenceId,
        details: { incidentId, ...details },
      })
      return row
    })
    return {
      evidence,
      result,
      expectedSha256: before.sha256,
      actualSha256: actual?.sha256 ?? null,
      actualSizeBytes: actual?.sizeBytes ?? null,
    }
  }

  /** What happened outside Watchfloor: exported to a report, handed to counsel, re-acquired. */
  async recordCustody(
    incidentId: number,
    evidenceId: number,
    event: { action: 'acquire' | 'export' | 'transfer'; reason: string; details?: Record<string, unknown> },
    actor: Actor,
    origin: RequestOrigin,
  ): Promise<CustodyRow> {
    return this.store.transaction(async (trx) => {
      const row = await this.#get(trx, incidentId, evidenceId)
      const custody = await this.#custody(trx, row, actor, event)
      await appendAudit(this.store, trx, actor, origin, {
        action: `evidence.${event.action}`,
        targetType: 'evidence',
        targetId: evidenceId,
        details: { incidentId, reason: event.reason, ...(event.details ?? {}) },
      })
      return custody
    })
  }

  async custody(incidentId: number, evidenceId: number): Promise<CustodyRow[]> {
    await this.#getOutside(incidentId, evidenceId)
    return this.store.db
      .selectFrom('evidence_custody')
      .selectAll()
      .where('evidence_id', '=', evidenceId)
      .orderBy('id')
      .execute()
  }

  async #custody(trx: Trx, evidence: EvidenceRow, actor: Actor, event: CustodyEvent): Promise<CustodyRow> {
    const occurredAt = event.occurredAt ?? new Date()
    const row = await trx
      .insertInto('evidence_custody')
      .values({
        evidence_id: evidence.id,
        incident_id: evidence.incident_id,
        action: event.action,
        actor: event.actorName ?? actor.name,
        occurred_at: occurredAt,
        reason: event.reason ?? null,
        details: event.details ? JSON.stringify(event.details) : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    const verb = ON_TIMELINE[event.action]
    if (verb) {
      const result = event.action === 'verify' ? String(event.details?.result ?? '') : ''
      await writeTimeline(trx, evidence.incident_id, {
        occurredAt,
        kind: 'evidence',
        title: `Evidence ${evidence.id} ${verb}: ${evidence.name}${result ? ` (${result})` : ''}`,
        body: event.reason ?? null,
        actor: row.actor,
        flagged: result === 'modified' || result === 'missing',
        refType: 'evidence',
        refId: String(evidence.id),
      })
    }
    return row
  }

  async #incidentExists(incidentId: number): Promise<void> {
    const row = await this.store.db
      .selectFrom('incidents')
      .select('id')
      .where('id', '=', incidentId)
      .executeTakeFirst()
    if (!row) throw new NotFoundError('incident', incidentId)
  }

  async #getOutside(incidentId: number, evidenceId: number): Promise<EvidenceRow> {
    const row = await this.store.db
      .selectFrom('incident_evidence')
      .selectAll()
      .where('id', '=', evidenceId)
      .where('incident_id', '=', incidentId)
      .executeTakeFirst()
    if (!row) throw new NotFoundError(`evidence in incident ${incidentId}`, evidenceId)
    return row
  }

  async #get(trx: Trx, incidentId: number, evidenceId: number): Promise<EvidenceRow> {
    const row = await trx
      .selectFrom('incident_evidence')
      .selectAll()
      .where('id', '=', evidenceId)
      .where('incident_id', '=', incidentId)
      .executeTakeFirst()
    if (!row) throw new NotFoundError(`evidence in incident ${incidentId}`, evidenceId)
    return row
  }
}
