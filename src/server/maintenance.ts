import type { Logger } from 'pino'
import type { Services } from './services.js'

const DAY_MS = 86_400_000

/**
 * Housekeeping run by the `worker` role: storage for the coming days, retention of old events,
 * expired sessions. Idempotent, so several workers running it at once do no harm.
 */
export async function runMaintenance(
  services: Services,
  retentionDays: number,
  now = new Date(),
): Promise<{ eventsDropped: number; sessionsDropped: number }> {
  const days = [0, 1, 2].map((offset) => new Date(now.getTime() + offset * DAY_MS))
  await services.store.events.prepareDays(days)
  const eventsDropped = await services.store.events.deleteOlderThan(
    new Date(now.getTime() - retentionDays * DAY_MS),
  )
  const sessionsDropped = await services.sessions.deleteExpired()
  return { eventsDropped, sessionsDropped }
}

export function scheduleMaintenance(
  services: Services,
  retentionDays: number,
  logger: Logger,
  intervalMs = 3_600_000,
): () => Promise<void> {
  let running: Promise<void> | undefined
  const tick = () => {
    running ??= runMaintenance(services, retentionDays)
      .then((result) => logger.info(result, 'maintenance done'))
      .catch((error: unknown) => logger.warn({ err: error }, 'maintenance failed; will retry'))
      .finally(() => {
        running = undefined
      })
  }
  tick()
  const timer = setInterval(tick, intervalMs)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await running
  }
}
