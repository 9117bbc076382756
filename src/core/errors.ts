/**
 * Three kinds of error (STYLE.md): a user error (bad input, 4xx, not reported), an operational
 * error (a dependency failed: retried, logged as a warning) and everything else, which is a bug.
 * Every error we raise on purpose carries a stable machine-readable `code`.
 */

export interface ErrorDetail {
  /** Where the problem is: a JSON path, a file:line, a field name. */
  path?: string
  message: string
}

export class WatchfloorError extends Error {
  readonly code: string
  readonly details: ErrorDetail[]

  constructor(code: string, message: string, details: ErrorDetail[] = [], options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.code = code
    this.details = details
  }
}

/** Bad input from a person or a client. Safe to show; answered with `status`. */
export class UserError extends WatchfloorError {
  readonly status: number

  constructor(
    code: string,
    message: string,
    opts: { status?: number; details?: ErrorDetail[]; cause?: unknown } = {},
  ) {
    super(code, message, opts.details ?? [], { cause: opts.cause })
    this.status = opts.status ?? 400
  }
}

export class NotFoundError extends UserError {
  constructor(what: string, id: string | number) {
    super('not_found', `${what} ${id} was not found`, { status: 404 })
  }
}

export class ConflictError extends UserError {
  constructor(message: string) {
    super('conflict', message, { status: 409 })
  }
}

export class AuthenticationError extends UserError {
  constructor(message = 'authentication required') {
    super('unauthenticated', message, { status: 401 })
  }
}

export class ForbiddenError extends UserError {
  constructor(message: string) {
    super('forbidden', message, { status: 403 })
  }
}

/** A dependency (database, network peer, disk) failed; the operation may succeed if retried. */
export class OperationalError extends WatchfloorError {}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError
}
