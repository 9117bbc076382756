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

/**
 * Runs `task` now and every `intervalMs`, never two at once; failures are logged and retried on
 * the next tick. Returns a stop function that waits for a run in progress.
 */
export function scheduleTask(
  name: string,
  intervalMs: number,
  task: () => Promise<unknown>,
  logger: Logger,
): () => Promise<void> {
  let running: Promise<void> | undefined
  const tick = () => {
    running ??= task()
      .then((result) => logger.debug({ task: name, result }, 'scheduled task done'))
      .catch((error: unknown) => logger.warn({ err: error, task: name }, 'scheduled task failed; will retry'))
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
