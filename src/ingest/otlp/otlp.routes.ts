import type { FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { UserError } from '../../core/errors.js'
import type { App, AppContext } from '../../server/context.js'
import { decodeText } from '../decode-text.js'
import { decodeBody } from '../http/body.js'
import { resolveTargetSource } from '../http/ingest.routes.js'
import type { RawRecord, SubmitResult } from '../ingest.service.js'
import { toSourceName } from '../source-name.js'
import { isProtobuf, mediaTypeOf, otlpErrorHandler } from './otlp-errors.js'
import { readLogsRequest } from './otlp-logs.js'
import { decodeLogsRequest, encodeLogsResponse } from './otlp-proto.js'

/** The source for a person's token when neither `?source=` nor `service.name` names one. */
export const DEFAULT_OTLP_SOURCE = 'otlp'
const REASONS_SHOWN = 3

/**
 * OTLP/HTTP logs (`POST /v1/logs`), protobuf or JSON, gzip'd or not, for OpenTelemetry SDKs and
 * Collectors. The answer is an ExportLogsServiceResponse in the request's encoding, sent once
 * everything is committed; records kept as dead letters are counted as rejected in its
 * partialSuccess.
 */
export async function otlpRoutes(app: App, context: AppContext): Promise<void> {
  const { config } = context
  await app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>()
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: config.ingestBodyLimitBytes },
      (_request, body, done) => done(null, body),
    )
    scope.setErrorHandler(otlpErrorHandler)

    scope.post(
      '/v1/logs',
      {
        config: { access: 'ingest' },
        bodyLimit: config.ingestBodyLimitBytes,
        schema: { hide: true, querystring: z.object({ source: z.string().min(1).max(64).optional() }) },
      },
      async (request, reply) => {
        const protobuf = isProtobuf(request.headers['content-type'])
        if (!protobuf && mediaTypeOf(request.headers['content-type']) !== 'application/json')
          throw new UserError(
            'unsupported_media_type',
            'send OTLP as application/x-protobuf or application/json',
            { status: 415 },
          )
        const body = decodeBody(
          Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
          request.headers['content-encoding'],
        )
        const batches = readLogsRequest(protobuf ? decodeProtobuf(body) : parseJson(body), protobuf)
        const groups = new Map<string, RawRecord[]>()
        for (const batch of batches) {
          const name = request.query.source ?? toSourceName(batch.serviceName ?? '') ?? DEFAULT_OTLP_SOURCE
          const group = groups.get(name)
          if (group) for (const record of batch.records) group.push(record)
          else groups.set(name, batch.records)
        }
        const results = await submitGroups(groups, body.length, request, context)
        const partialSuccess = partialSuccessOf(groups, results)
        if (protobuf)
          return reply.type('application/x-protobuf').send(Buffer.from(encodeLogsResponse(partialSuccess)))
        return reply.type('application/json').send({
          partialSuccess: partialSuccess
            ? {
                rejectedLogRecords: String(partialSuccess.rejectedLogRecords),
                errorMessage: partialSuccess.errorMessage,
              }
            : {},
        })
      },
    )
  })
}

function decodeProtobuf(body: Buffer): unknown {
  try {
    return decodeLogsRequest(body)
  } catch (error) {
    throw new UserError(
      'invalid_otlp',
      `not an OTLP protobuf ExportLogsServiceRequest: ${(error as Error).message}`,
    )
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(decodeText(body))
  } catch (error) {
    throw new UserError('invalid_json', `the body is not valid JSON: ${(error as Error).message}`)
  }
}

/** Resolves every source first (a refused one fails the request before anything is stored), then submits together. */
async function submitGroups(
  groups: Map<string, RawRecord[]>,
  bytes: number,
  request: FastifyRequest,
  context: AppContext,
): Promise<{ records: RawRecord[]; result: SubmitResult }[]> {
  const bound = request.ingestSource
  const total = [...groups.values()].reduce((sum, records) => sum + records.length, 0)
  const targets = []
  for (const [name, records] of groups)
    targets.push({ source: await resolveTargetSource(request, context, bound ? undefined : name), records })
  return Promise.all(
    targets.map(async ({ source, records }) => ({
      records,
      result: await context.services.ingest.submit({
        source,
        input: 'otlp',
        records,
        bytes: total === 0 ? 0 : Math.round((bytes * records.length) / total),
      }),
    })),
  )
}

function partialSuccessOf(
  groups: Map<string, RawRecord[]>,
  results: { records: RawRecord[]; result: SubmitResult }[],
): { rejectedLogRecords: number; errorMessage: string } | undefined {
  const reasons: string[] = []
  let rejected = 0
  for (const { records, result } of results) {
    rejected += result.deadLettered
    result.records.forEach((outcome, index) => {
      if (!outcome.ok && reasons.length < REASONS_SHOWN)
        reasons.push(`${records[index]!.location}: ${outcome.reason}`)
    })
  }
  if (rejected === 0) return undefined
  const total = [...groups.values()].reduce((sum, records) => sum + records.length, 0)
  return {
    rejectedLogRecords: rejected,
    errorMessage: `${rejected} of ${total} log records could not be parsed and are kept as dead letters (${reasons.join('; ')})`,
  }
}
