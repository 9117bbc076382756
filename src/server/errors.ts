import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { type ErrorDetail, UserError } from '../core/errors.js'

export interface ErrorBody {
  error: { code: string; message: string; details?: ErrorDetail[]; requestId: string }
}

/** Fastify's own error codes mapped to our stable ones. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_BAD_URL: 'bad_url',
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const requestId = String(request.id)
  if (hasZodFastifySchemaValidationErrors(error)) {
    const details = error.validation.map((issue) => ({
      path: `${error.validationContext ?? 'body'}${issue.instancePath.replaceAll('/', '.')}`,
      message: issue.message ?? 'invalid',
    }))
    send(reply, 400, {
      error: {
        code: 'invalid_request',
        message: `invalid request: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
        details,
        requestId,
      },
    })
    return
  }
  if (error instanceof UserError) {
    send(reply, error.status, {
      error: {
        code: error.code,
        message: error.message,
        ...(error.details.length ? { details: error.details } : {}),
        requestId,
      },
    })
    return
  }
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) {
    const code = FASTIFY_CODES[error.code] ?? (status === 429 ? 'rate_limited' : 'bad_request')
    send(reply, status, { error: { code, message: error.message, requestId } })
    return
  }
  request.log.error({ err: error }, 'unexpected error')
  send(reply, 500, {
    error: {
      code: 'internal_error',
      message: 'internal error; the server log has the details under this request id',
      requestId,
    },
  })
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  send(reply, 404, {
    error: {
      code: 'route_not_found',
      message: `no route ${request.method} ${request.url.split('?')[0]}`,
      requestId: String(request.id),
    },
  })
}

function send(reply: FastifyReply, status: number, body: ErrorBody): void {
  void reply.status(status).type('application/json').send(body)
}
