import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { UserError } from '../../core/errors.js'
import { QueueFullError } from '../pipeline/ingest-queue.js'
import { encodeStatus } from './otlp-proto.js'

const PROTOBUF_TYPES = new Set(['application/x-protobuf', 'application/protobuf'])

export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase()
}

export function isProtobuf(contentType: string | undefined): boolean {
  return PROTOBUF_TYPES.has(mediaTypeOf(contentType))
}

/** The gRPC status code OTLP/HTTP puts in an error's google.rpc.Status, by HTTP status. */
function grpcCode(status: number): number {
  if (status === 401) return 16 // UNAUTHENTICATED
  if (status === 403) return 7 // PERMISSION_DENIED
  if (status === 404) return 5 // NOT_FOUND
  if (status === 429) return 8 // RESOURCE_EXHAUSTED
  if (status === 503) return 14 // UNAVAILABLE
  return status < 500 ? 3 /* INVALID_ARGUMENT */ : 13 /* INTERNAL */
}

/**
 * The OTLP scope's error handler. OTLP/HTTP answers errors with a google.rpc.Status in the
 * request's own encoding; clients retry 429 and 503 after Retry-After and drop the rest. The JSON
 * form also carries Watchfloor's own error envelope, which OTLP clients ignore.
 */
export function otlpErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  let status: number
  let code: string
  let message = error.message
  if (hasZodFastifySchemaValidationErrors(error)) {
    status = 400
    code = 'invalid_request'
  } else if (error instanceof UserError) {
    status = error.status
    code = error.code
  } else if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    status = error.statusCode
    code = 'bad_request'
  } else {
    request.log.error({ err: error }, 'unexpected error')
    status = 500
    code = 'internal_error'
    message = 'internal error; the server log has the details under this request id'
  }
  if (status === 429 || status === 503)
    void reply.header('retry-after', error instanceof QueueFullError ? error.retryAfterSeconds : 1)
  const grpc = grpcCode(status)
  if (isProtobuf(request.headers['content-type'])) {
    void reply
      .status(status)
      .type('application/x-protobuf')
      .send(Buffer.from(encodeStatus(grpc, message)))
    return
  }
  void reply
    .status(status)
    .type('application/json')
    .send({ code: grpc, message, details: [], error: { code, message, requestId: String(request.id) } })
}
