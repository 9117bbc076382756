import { Readable } from 'node:stream'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { originOf, requireActor } from '../server/auth-hooks.js'
import type { App, AppContext } from '../server/context.js'
import type { CustodyRow, EvidenceRow } from '../store/schema.js'
import { evidenceTooLarge } from './evidence-files.js'

const params = z.object({ id: z.coerce.number().int().positive() })
const itemParams = params.extend({ evidenceId: z.coerce.number().int().positive() })
const iso = (date: Date | null) => date?.toISOString() ?? null
const text = (max: number) => z.string().trim().min(1).max(max)

export const evidenceSchema = z.object({
  id: z.number(),
  incidentId: z.number(),
  name: z.string(),
  description: z.string().nullable(),
  mediaType: z.string(),
  sha256: z.string(),
  sizeBytes: z.number(),
  acquiredBy: z.string(),
  acquiredAt: z.string(),
  acquiredWhere: z.string().nullable(),
  acquisitionMethod: z.string().nullable(),
  uploadedBy: z.string(),
  uploadedAt: z.string(),
  lastVerifiedAt: z.string().nullable(),
  lastVerifyResult: z.string().nullable(),
})

export function toPublicEvidence(row: EvidenceRow): z.infer<typeof evidenceSchema> {
  return {
    id: row.id,
    incidentId: row.incident_id,
    name: row.name,
    description: row.description,
    mediaType: row.media_type,
    sha256: row.sha256,
    sizeBytes: Number(row.size_bytes),
    acquiredBy: row.acquired_by,
    acquiredAt: row.acquired_at.toISOString(),
    acquiredWhere: row.acquired_where,
    acquisitionMethod: row.acquisition_method,
    uploadedBy: row.uploaded_by,
    uploadedAt: row.uploaded_at.toISOString(),
    lastVerifiedAt: iso(row.last_verified_at),
    lastVerifyResult: row.last_verify_result,
  }
}

const custodySchema = z.object({
  id: z.number(),
  action: z.string(),
  actor: z.string(),
  occurredAt: z.string(),
  reason: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
})
const toCustody = (row: CustodyRow) => ({
  id: row.id,
  action: row.action,
  actor: row.actor,
  occurredAt: row.occurred_at.toISOString(),
  reason: row.reason,
  details: row.details,
})

const MEDIA_TYPE = /^[\w.+-]+\/[\w.+-]+$/

export async function evidenceRoutes(app: App, { services, config }: AppContext): Promise<void> {
  const { evidence } = services

  // Uploads are raw bodies handed to the route as the request stream: nothing is buffered, any
  // content type is accepted (it becomes the media type), and the size limit is ours to enforce.
  await app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>()
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (request, payload, done) => {
      const declared = Number(request.headers['content-length'] ?? Number.NaN)
      if (declared > config.evidenceMaxBytes) {
        // Refused before a byte is read.
        done(evidenceTooLarge(config.evidenceMaxBytes), undefined)
        return
      }
      done(null, payload)
    })

    scope.post(
      '/api/v1/incidents/:id/evidence',
      {
        config: { access: 'analyst' },
        schema: {
          tags: ['evidence'],
          summary:
            'Upload evidence as the raw request body (streamed to disk, SHA-256 on arrival, stored by content hash); metadata in the query',
          params,
          querystring: z.object({
            name: text(500),
            description: z.string().max(10_000).optional(),
            mediaType: z.string().max(200).regex(MEDIA_TYPE).optional(),
            acquiredBy: text(200).optional(),
            acquiredAt: z.iso.datetime({ offset: true }).optional(),
            acquiredWhere: text(1_000).optional(),
            acquisitionMethod: text(1_000).optional(),
            reason: text(2_000).optional(),
          }),
          response: { 201: evidenceSchema.extend({ deduplicated: z.boolean() }) },
        },
      },
      async (request, reply) => {
        const contentType = String(request.headers['content-type'] ?? '')
          .split(';')[0]!
          .trim()
        const query = request.query
        const { evidence: row, deduplicated } = await evidence.add(
          request.params.id,
          {
            ...query,
            acquiredAt: query.acquiredAt ? new Date(query.acquiredAt) : undefined,
            mediaType:
              query.mediaType ?? (MEDIA_TYPE.test(contentType) ? contentType : 'application/octet-stream'),
          },
          // An empty body is never parsed: an empty file is evidence too.
          request.body instanceof Readable ? request.body : Readable.from([]),
          requireActor(request),
          originOf(request),
        )
        return reply.status(201).send({ ...toPublicEvidence(row), deduplicated })
      },
    )
  })

  app.get(
    '/api/v1/incidents/:id/evidence',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['evidence'],
        summary: 'Evidence items of an incident with their hashes and last verification',
        params,
        response: { 200: z.object({ items: z.array(evidenceSchema) }) },
      },
    },
    async (request) => ({ items: (await evidence.list(request.params.id)).map(toPublicEvidence) }),
  )

  app.get(
    '/api/v1/incidents/:id/evidence/:evidenceId',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['evidence'],
        summary: 'One evidence item with its chain of custody (the view itself is recorded)',
        params: itemParams,
        response: { 200: evidenceSchema.extend({ custody: z.array(custodySchema) }) },
      },
    },
    async (request) => {
      const { id, evidenceId } = request.params
      const row = await evidence.view(id, evidenceId, requireActor(request), originOf(request))
      const custody = await evidence.custody(id, evidenceId)
      return { ...toPublicEvidence(row), custody: custody.map(toCustody) }
    },
  )

  app.get(
    '/api/v1/incidents/:id/evidence/:evidenceId/custody',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['evidence'],
        summary:
          'The chain of custody: who acquired, uploaded, viewed, downloaded, exported, verified; when; why',
        params: itemParams,
        response: { 200: z.object({ items: z.array(custodySchema) }) },
      },
    },
    async (request) => ({
      items: (await evidence.custody(request.params.id, request.params.evidenceId)).map(toCustody),
    }),
  )

  app.post(
    '/api/v1/incidents/:id/evidence/:evidenceId/custody',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['evidence'],
        summary:
          'Record what happened to the evidence outside Watchfloor: exported, transferred, re-acquired',
        params: itemParams,
        body: z.object({
          action: z.enum(['acquire', 'export', 'transfer']),
          reason: text(2_000),
          details: z.record(z.string().max(100), z.string().max(2_000)).optional(),
        }),
        response: { 201: custodySchema },
      },
    },
    async (request, reply) => {
      const row = await evidence.recordCustody(
        request.params.id,
        request.params.evidenceId,
        request.body,
        requireActor(request),
        originOf(request),
      )
      return reply.status(201).send(toCustody(row))
    },
  )

  app.get(
    '/api/v1/incidents/:id/evidence/:evidenceId/content',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['evidence'],
        summary:
          'Download the file (a reason is required and recorded); X-Watchfloor-SHA256 and Repr-Digest carry its hash',
        params: itemParams,
        querystring: z.object({ reason: text(2_000) }),
      },
    },
    async (request, reply) => {
      const { evidence: row, stream } = await evidence.download(
        request.params.id,
        request.params.evidenceId,
        request.query.reason,
        requireActor(request),
        originOf(request),
      )
      const filename = row.name.replace(/[^\w.-]+/g, '_').slice(0, 200) || `evidence-${row.id}`
      // Evidence may be a phishing page or malware: never rendered by a browser, always a download.
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('x-watchfloor-media-type', row.media_type)
        .header('x-watchfloor-sha256', row.sha256)
        .header('repr-digest', `sha-256=:${Buffer.from(row.sha256, 'hex').toString('base64')}:`)
        .send(stream)
    },
  )

  app.post(
    '/api/v1/incidents/:id/evidence/:evidenceId/verify',
    {
      config: { access: 'analyst' },
      schema: {
        tags: ['evidence'],
        summary: 'Re-hash the stored file: intact, modified (both hashes) or missing',
        params: itemParams,
        response: {
          200: z.object({
            result: z.enum(['intact', 'modified', 'missing']),
            expectedSha256: z.string(),
            actualSha256: z.string().nullable(),
            actualSizeBytes: z.number().nullable(),
            evidence: evidenceSchema,
          }),
        },
      },
    },
    async (request) => {
      const outcome = await evidence.verify(
        request.params.id,
        request.params.evidenceId,
        requireActor(request),
        originOf(request),
      )
      return { ...outcome, evidence: toPublicEvidence(outcome.evidence) }
    },
  )
}
