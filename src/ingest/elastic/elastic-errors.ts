import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { UserError } from '../../core/errors.js'
import { QueueFullError } from '../pipeline/ingest-queue.js'

/** An error answered the way Elasticsearch answers it: `type` is Elasticsearch's exception name. */
export class ElasticError extends UserError {
  constructor(
    readonly type: string,
    reason: string,
    opts: { status?: number; code?: string } = {},
  ) {
    super(opts.code ?? 'invalid_request', reason, { status: opts.status ?? 400 })
  }
}

export interface ElasticErrorBody {
  error: {
    root_cause: { type: string; reason: string }[]
    type: string
    reason: string
    /** Watchfloor's stable error code, beside Elasticsearch's exception type. */
    code: string
  }
  status: number
}

export function elasticErrorBody(
  status: number,
  type: string,
  reason: string,
  code: string,
): ElasticErrorBody {
  return { error: { root_cause: [{ type, reason }], type, reason, code }, status }
}

/** Elasticsearch's exception name for an error of ours that has none. */
export function elasticTypeForStatus(status: number): string {
  if (status === 401 || status === 403) return 'security_exception'
  if (status === 404) return 'resource_not_found_exception'
  if (status === 413) return 'content_too_long_exception'
  if (status === 415) return 'media_type_header_exception'
  if (status === 429) return 'es_rejected_execution_exception'
  if (status === 503) return 'unavailable_shards_exception'
  return status < 500 ? 'illegal_argument_exception' : 'exception'
}

/** The Elasticsearch scope's error handler: the clients read `error.type` and `error.reason`. */
export function elasticErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (hasZodFastifySchemaValidationErrors(error)) {
    send(reply, 400, 'illegal_argument_exception', error.message, 'invalid_request')
    return
  }
  if (error instanceof UserError) {
    if (error.status === 401) void reply.header('www-authenticate', 'ApiKey, Basic realm="watchfloor"')
    if (error instanceof QueueFullError) void reply.header('retry-after', error.retryAfterSeconds)
    const type = error instanceof ElasticError ? error.type : elasticTypeForStatus(error.status)
    send(reply, error.status, type, error.message, error.code)
    return
  }
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) {
    send(reply, status, elasticTypeForStatus(status), error.message, 'bad_request')
    return
  }
  request.log.error({ err: error }, 'unexpected error')
  send(
    reply,
    500,
    'exception',
    `internal error; the server log has the details under request id ${String(request.id)}`,
    'internal_error',
  )
}

export function elasticNotFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  send(
    reply,
    404,
    'resource_not_found_exception',
    `Watchfloor's Elasticsearch-compatible API has no handler for [${request.method}] ${request.url.split('?')[0]}`,
    'route_not_found',
  )
}

function send(reply: FastifyReply, status: number, type: string, reason: string, code: string): void {
  void reply
    .status(status)
    .type('application/json')
    .send(elasticErrorBody(status, type, reason, code))
}
