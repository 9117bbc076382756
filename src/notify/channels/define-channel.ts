import type { z } from 'zod'
import type { NotificationMessage } from '../message.js'

export interface DeliveryContext {
  /** Carried by every delivery so that a receiver can drop a redelivery. */
  idempotencyKey: string
  /** WATCHFLOOR_PUBLIC_URL, for links to the console. */
  publicUrl: string | undefined
  /** Aborted before the worker's lease runs out. */
  signal: AbortSignal
  timeoutMs: number
}

export interface ChannelDefinition<Config extends Record<string, unknown> = Record<string, unknown>> {
  kind: string
  config: z.ZodType<Config>
  /** Top-level config fields that are secrets: sealed at rest, masked in the API. */
  secrets: readonly (keyof Config & string)[]
  deliver(message: NotificationMessage, config: Config, ctx: DeliveryContext): Promise<void>
}

export function defineChannel<Config extends Record<string, unknown>>(
  definition: ChannelDefinition<Config>,
): ChannelDefinition<Config> {
  return definition
}
