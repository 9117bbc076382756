import type { Command } from 'commander'
import { type ApiFlags, apiClient, withApiFlags } from '../api-client.js'
import { printTable } from '../shared.js'

type PublicChannel = {
  id: number
  name: string
  kind: string
  enabled: boolean
}

type PublicNotification = {
  id: number
  channelId: number
  alertId: number | null
  event: string
  status: string
  attempts: number
  lastError: string | null
  createdAt: string
}

/** `watchfloor channels list` and `watchfloor notifications list|retry`, through the API. */
export function registerNotify(program: Command): void {
  const channels = program.command('channels').description('notification channels (secrets never shown)')
  withApiFlags(channels.command('list'))
    .description('list channels')
    .action(async (flags: ApiFlags) => {
      const { items } = await apiClient(flags).request<{ items: PublicChannel[] }>('GET', '/api/v1/channels')
      printTable(items, ['id', 'name', 'kind', 'enabled'])
    })

  const notifications = program.command('notifications').description('the notification outbox')
  withApiFlags(notifications.command('list'))
    .description('notifications, newest first')
    .option('--status <status>', 'pending, delivering, delivered, failed or digested')
    .option('--limit <n>', 'how many', '50')
    .action(async (flags: ApiFlags & { status?: string; limit: string }) => {
      const query = new URLSearchParams({
        limit: flags.limit,
        ...(flags.status ? { status: flags.status } : {}),
      })
      const { items } = await apiClient(flags).request<{ items: PublicNotification[] }>(
        'GET',
        `/api/v1/notifications?${query}`,
      )
      printTable(items, [
        'id',
        'status',
        'event',
        'channelId',
        'alertId',
        'attempts',
        'createdAt',
        'lastError',
      ])
    })
  withApiFlags(notifications.command('retry <id>'))
    .description('deliver a failed notification again (same idempotency key)')
    .action(async (id: string, flags: ApiFlags) => {
      const row = await apiClient(flags).request<PublicNotification>(
        'POST',
        `/api/v1/notifications/${encodeURIComponent(id)}/retry`,
        {},
      )
      process.stdout.write(`notification ${row.id} is ${row.status} again\n`)
    })
}
