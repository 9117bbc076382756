import { OperationalError } from '../../core/errors.js'

/**
 * A receiver refused or could not be reached. `permanent` errors (a 4xx other than 408/429) are
 * not retried. Messages never contain the channel's URL or secrets: they are shown in the API.
 */
export class DeliveryError extends OperationalError {
  constructor(
    message: string,
    readonly permanent = false,
    options?: ErrorOptions,
  ) {
    super('delivery_failed', message, [], options)
  }
}
