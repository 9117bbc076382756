import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { UserError } from '../../core/errors.js'
import type { App, AppContext } from '../../server/context.js'
import type { SourceRow } from '../../store/schema.js'
import { decodeText as bytesToText, decodeLines } from '../decode-text.js'
import type { RecordFraming } from '../framing.js'
import { decodeBody, lineRecords } from '../http/body.js'
import { resolveTargetSource } from '../http/ingest.routes.js'
import type { RawRecord } from '../ingest.service.js'
import { HecAcks } from './hec-acks.js'
import { HEC, HecError, hecErrorHandler } from './hec-errors.js'
import { envelopeLabels, indexSource, readHecEvents } from './hec-events.js'
import { parserForSourcetype } from './sourcetypes.js'

export const HEC_PREFIX = '/services/collector'

const CHANNEL_HEADER = 'x-splunk-request-channel'
const CHANNEL_PATTERN = /^[A-Za-z0-9._-]{1,128}$/
const shipper = { config: { access: 'ingest' as const } }
const rawQuery = z.object({
  channel: z.string().optional(),
  host: z.string().optional(),
  index: z.string().optional(),
  source: z.string().optional(),
  sourcetype: z.string().optional(),
})
const ackBody = z.object({ acks: z.array(z.number().int().nonnegative()).max(100_000) })

/**
 * A Splunk HTTP Event Collector-compatible endpoint, for shippers with a Splunk HEC output
 * (Vector, Fluent Bit, the OpenTelemetry Collector, Splunk's own loggers): `Authorization:
 * Splunk <token>`, the `/event` envelope stream, `/raw` lines, health and indexer
 * acknowledgement, with HEC's status codes in every answer.
 */
export async function hecRoutes(app: App, context: AppContext): Promise<void> {
  const { config, services } = context
  const acks = new HecAcks()
  await app.register(
    async (plain) => {
      const scope = plain.withTypeProvider<ZodTypeProvider>()
      scope.removeAllContentTypeParsers()
      // HEC clients send JSON, text or nothing as the content type, gzip'd or not: take the bytes.
      scope.addContentTypeParser(
        '*',
        { parseAs: 'buffer', bodyLimit: config.ingestBodyLimitBytes },
        (_request, body, done) => done(null, body),
      )
      scope.setErrorHandler(hecErrorHandler)
      const hecNotFound = async (_request: FastifyRequest, reply: FastifyReply) =>
        reply.status(404).send({ text: 'The requested URL was not found on this server.', code: 404 })
      scope.setNotFoundHandler(hecNotFound)
      // Claimed here, or the console's catch-all GET /* would answer unknown GETs first.
      scope.get('/*', { config: { access: 'public' }, schema: { hide: true } }, hecNotFound)

      for (const url of ['/', '/event', '/event/1.0']) {
        scope.post(
          url,
          {
            ...shipper,
            bodyLimit: config.ingestBodyLimitBytes,
            schema: { hide: true, querystring: rawQuery },
          },
          async (request) => {
            const channel = channelOf(request.headers[CHANNEL_HEADER], request.query.channel)
            const body = decodeText(request)
            const batch = readHecEvents(body.text, request.ingestSource?.name)
            await submitGroups(batch.groups, batch.count, body.bytes, request, context)
            return success(acks, channel)
          },
        )
      }

      for (const url of ['/raw', '/raw/1.0']) {
        scope.post(
          url,
          {
            ...shipper,
            bodyLimit: config.ingestBodyLimitBytes,
            schema: { hide: true, querystring: rawQuery },
          },
          async (request) => {
            const channel = channelOf(request.headers[CHANNEL_HEADER], request.query.channel)
            const body = decodedBody(request)
            const { host, source, sourcetype, index } = request.query
            const framing: RecordFraming = {}
            if (host) framing.defaults = { hostName: host }
            const labels = envelopeLabels({ source, sourcetype, index, fields: undefined }, 0)
            if (labels) framing.labels = labels
            const parser = parserForSourcetype(sourcetype)
            if (parser) framing.parser = parser
            const records = lineRecords(
              decodeLines(body),
              Object.keys(framing).length > 0 ? framing : undefined,
            )
            if (records.length === 0) throw new HecError(HEC.noData, 'no_data', 'the request has no lines')
            const sourceName = request.ingestSource?.name ?? indexSource(request.query.index)
            await submitGroups(
              new Map([[sourceName, records]]),
              records.length,
              body.length,
              request,
              context,
            )
            return success(acks, channel)
          },
        )
      }

      for (const url of ['/health', '/health/1.0']) {
        scope.get(url, { ...shipper, schema: { hide: true } }, async (_request, reply: FastifyReply) => {
          const healthy = services.ingest.queue.hasSpace()
          const status = healthy ? HEC.healthy : HEC.queuesFull
          return reply.status(healthy ? 200 : 503).send({ text: status.text, code: status.code })
        })
      }

      for (const url of ['/ack', '/ack/1.0']) {
        scope.post(url, { ...shipper, schema: { hide: true, querystring: rawQuery } }, async (request) => {
          const channel = channelOf(request.headers[CHANNEL_HEADER], request.query.channel)
          if (channel === undefined)
            throw new HecError(HEC.channelMissing, 'channel_missing', `send the channel in ${CHANNEL_HEADER}`)
          const parsed = ackBody.safeParse(parseJson(decodeText(request).text))
          if (!parsed.success)
            throw new HecError(
              HEC.invalidDataFormat,
              'invalid_data_format',
              'the body must be {"acks":[ids]}',
            )
          return { acks: acks.status(channel, parsed.data.acks) }
        })
      }
    },
    { prefix: HEC_PREFIX },
  )
}

function channelOf(header: string | string[] | undefined, query: string | undefined): string | undefined {
  const channel = (typeof header === 'string' ? header : undefined) ?? query
  if (channel === undefined || channel === '') return undefined
  if (!CHANNEL_PATTERN.test(channel))
    throw new HecError(HEC.invalidChannel, 'invalid_channel', 'a channel is 1-128 letters, digits, . _ or -')
  return channel
}

/** The request body, inflated when it says it is compressed. */
function decodedBody(request: FastifyRequest): Buffer {
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
  return decodeBody(body, request.headers['content-encoding'])
}

function decodeText(request: FastifyRequest): { text: string; bytes: number } {
  const decoded = decodedBody(request)
  return { text: bytesToText(decoded), bytes: decoded.length }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * Resolves every group's source first, so that a bad index refuses the request before anything
 * is stored, then submits the groups together; the answer waits for all of them to commit.
 */
async function submitGroups(
  groups: Map<string, RawRecord[]>,
  count: number,
  bytes: number,
  request: FastifyRequest,
  context: AppContext,
): Promise<void> {
  const bound = request.ingestSource
  const targets: { source: SourceRow; records: RawRecord[] }[] = []
  for (const [name, records] of groups) {
    try {
      targets.push({ source: await resolveTargetSource(request, context, bound ? undefined : name), records })
    } catch (error) {
      if (error instanceof UserError)
        throw new HecError(HEC.incorrectIndex, 'incorrect_index', `index ${name}: ${error.message}`)
      throw error
    }
  }
  await Promise.all(
    targets.map(({ source, records }) =>
      context.services.ingest.submit({
        source,
        input: 'hec',
        records,
        bytes: Math.round((bytes * records.length) / count),
      }),
    ),
  )
}

function success(acks: HecAcks, channel: string | undefined): { text: string; code: number; ackId?: number } {
  return channel === undefined
    ? { text: HEC.success.text, code: HEC.success.code }
    : { text: HEC.success.text, code: HEC.success.code, ackId: acks.issue(channel) }
}
