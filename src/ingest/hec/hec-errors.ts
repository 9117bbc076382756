import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { UserError } from '../../core/errors.js'
import { presentedCredential } from '../../server/auth-hooks.js'
import { QueueFullError } from '../pipeline/ingest-queue.js'

/** HEC's documented status codes (`code` in its JSON answers) that Watchfloor uses. */
export const HEC = {
  success: { code: 0, text: 'Success' },
  tokenRequired: { code: 2, text: 'Token is required' },
  invalidAuthorization: { code: 3, text: 'Invalid authorization' },
  invalidToken: { code: 4, text: 'Invalid token' },
  noData: { code: 5, text: 'No data' },
  invalidDataFormat: { code: 6, text: 'Invalid data format' },
  incorrectIndex: { code: 7, text: 'Incorrect index' },
  internalError: { code: 8, text: 'Internal server error' },
  serverBusy: { code: 9, text: 'Server is busy' },
  channelMissing: { code: 10, text: 'Data channel is missing' },
  invalidChannel: { code: 11, text: 'Invalid data channel' },
  eventRequired: { code: 12, text: 'Event field is required' },
  eventBlank: { code: 13, text: 'Event field cannot be blank' },
  healthy: { code: 17, text: 'HEC is healthy' },
  queuesFull: { code: 18, text: 'HEC is unhealthy, queues are full' },
} as const

export type HecStatus = (typeof HEC)[keyof typeof HEC]

/** A request HEC refuses as a whole, with its HEC code and, for a bad event, which one. */
export class HecError extends UserError {
  constructor(
    readonly hec: HecStatus,
    code: string,
    message: string,
    readonly invalidEventNumber?: number,
  ) {
    super(code, message, { status: 400 })
  }
}

export interface HecErrorBody {
  text: string
  code: number
  'invalid-event-number'?: number
  /** Watchfloor's own error envelope beside HEC's fields, which HEC clients ignore. */
  error: { code: string; message: string; requestId: string }
}

/**
 * The HEC scope's error handler: HEC clients read `text` and `code`. Authentication failures
 * are told apart as Splunk does: no token (401, code 2), an Authorization header that carries
 * none (401, code 3), a token that is unknown or may not send events (403, code 4).
 */
export function hecErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const requestId = String(request.id)
  const send = (status: number, hec: HecStatus, code: string, message: string, eventNumber?: number) => {
    const body: HecErrorBody = { text: hec.text, code: hec.code, error: { code, message, requestId } }
    if (eventNumber !== undefined) body['invalid-event-number'] = eventNumber
    void reply.status(status).type('application/json').send(body)
  }
  if (error instanceof HecError) {
    send(error.status, error.hec, error.code, error.message, error.invalidEventNumber)
    return
  }
  if (error instanceof UserError) {
    if (error.status === 401) {
      const header = request.headers.authorization
      if (!header) send(401, HEC.tokenRequired, error.code, error.message)
      else if (presentedCredential(header) === undefined)
        send(401, HEC.invalidAuthorization, error.code, error.message)
      else send(403, HEC.invalidToken, 'forbidden', error.message)
      return
    }
    if (error.status === 403) {
      send(403, HEC.invalidToken, error.code, error.message)
      return
    }
    if (error instanceof QueueFullError || error.status === 503) {
      if (error instanceof QueueFullError) void reply.header('retry-after', error.retryAfterSeconds)
      send(503, HEC.serverBusy, error.code, error.message)
      return
    }
    send(error.status, HEC.invalidDataFormat, error.code, error.message)
    return
  }
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) {
    send(status, HEC.invalidDataFormat, 'bad_request', error.message)
    return
  }
  request.log.error({ err: error }, 'unexpected error')
  send(
    500,
    HEC.internalError,
    'internal_error',
    'internal error; the server log has the details under this request id',
  )
}
