import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { App, AppContext } from '../../server/context.js'
import { type BodyChunks, bodyLines, collectBodyChunks } from '../http/body-chunks.js'
import { parseBulkBody } from './bulk-body.js'
import { runBulk } from './bulk-ingest.js'
import { clusterHealth, clusterInfo, license } from './cluster-info.js'
import { elasticErrorHandler, elasticNotFoundHandler } from './elastic-errors.js'

export const ELASTIC_PREFIX = '/es'

const shipper = { config: { access: 'ingest' as const } }
const named = z.object({ name: z.string().min(1) })
const acknowledged = { acknowledged: true }

/**
 * An Elasticsearch-compatible API under /es, for the shippers and clients that speak it
 * (Vector, Fluent Bit, Filebeat, Logstash, the official clients): `_bulk` stores documents as
 * events; the probes they make at start-up answer as a healthy single-node cluster would.
 */
export async function elasticRoutes(app: App, context: AppContext): Promise<void> {
  const { config } = context
  await app.register(
    async (plain) => {
      const scope = plain.withTypeProvider<ZodTypeProvider>()
      scope.removeAllContentTypeParsers()
      // NDJSON under several media types (x-ndjson, vnd.elasticsearch+x-ndjson, json), gzip'd or not.
      scope.addContentTypeParser('*', collectBodyChunks(config.ingestBodyLimitBytes))
      // The official clients refuse any 2xx answer without it.
      scope.addHook('onSend', async (_request, reply) => {
        void reply.header('x-elastic-product', 'Elasticsearch')
      })
      scope.setErrorHandler(elasticErrorHandler)
      scope.setNotFoundHandler(elasticNotFoundHandler)
      // The console's catch-all GET /* would otherwise answer unknown GETs under /es before this
      // scope's not-found handler: claim them here, so clients get Elasticsearch's 404.
      scope.get('/*', { config: { access: 'public' }, schema: { hide: true } }, elasticNotFoundHandler)

      scope.get('/', { ...shipper, schema: { hide: true } }, async () => clusterInfo())
      scope.get('/_license', { ...shipper, schema: { hide: true } }, async () => license())
      scope.get('/_cluster/health', { ...shipper, schema: { hide: true } }, async () => clusterHealth())

      // Template and lifecycle set-up (Beats, Logstash) is acknowledged and otherwise ignored:
      // Watchfloor has its own event schema and retention.
      for (const kind of ['_index_template', '_template'] as const) {
        scope.put(
          `/${kind}/:name`,
          { ...shipper, schema: { hide: true, params: named } },
          async () => acknowledged,
        )
        scope.get(`/${kind}/:name`, { ...shipper, schema: { hide: true, params: named } }, async (request) =>
          kind === '_index_template'
            ? { index_templates: [{ name: request.params.name, index_template: { index_patterns: [] } }] }
            : { [request.params.name]: { order: 0, index_patterns: [], settings: {}, mappings: {} } },
        )
      }
      scope.put(
        '/_ilm/policy/:name',
        { ...shipper, schema: { hide: true, params: named } },
        async () => acknowledged,
      )
      scope.get(
        '/_ilm/policy/:name',
        { ...shipper, schema: { hide: true, params: named } },
        async (request) => ({
          [request.params.name]: {
            version: 1,
            modified_date: new Date(0).toISOString(),
            policy: { phases: {} },
          },
        }),
      )

      const bulkParams = z.object({ index: z.string().min(1).optional() })
      for (const url of ['/_bulk', '/:index/_bulk']) {
        scope.route({
          method: ['POST', 'PUT'],
          url,
          ...shipper,
          bodyLimit: config.ingestBodyLimitBytes,
          schema: { hide: true, params: bulkParams },
          handler: async (request, reply) => {
            const operations = parseBulkBody(
              bodyLines(request.body as BodyChunks | undefined, request.headers['content-encoding']),
            )
            const { response, retryAfterSeconds } = await runBulk(
              operations,
              request.params.index,
              request,
              context,
            )
            if (retryAfterSeconds !== undefined) void reply.header('retry-after', retryAfterSeconds)
            return response
          },
        })
      }
    },
    { prefix: ELASTIC_PREFIX },
  )
}
