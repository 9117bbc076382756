import type { Command } from 'commander'
import { formatBrief } from '../../brief/brief.format.js'
import type { Brief } from '../../brief/brief.service.js'
import { type ApiFlags, apiClient, withApiFlags } from '../api-client.js'

export function registerBrief(program: Command): void {
  withApiFlags(program.command('brief'))
    .description('what came in while you were away: alerts, incidents, follow-ups, silences, silent sources')
    .option('-s, --since <when>', '72h, 3d, monday, yesterday, or an ISO date', '24h')
    .option('--tz <zone>', 'time zone for monday/yesterday', Intl.DateTimeFormat().resolvedOptions().timeZone)
    .option('--json', 'print JSON')
    .option('--send-to <channelId>', 'send it to a notification channel instead (e.g. at a shift change)')
    .action(async (flags: ApiFlags & { since: string; tz: string; json?: boolean; sendTo?: string }) => {
      if (flags.sendTo) {
        const sent = await apiClient(flags).request<{ notificationId: number; since: string; until: string }>(
          'POST',
          '/api/v1/brief/send',
          { channelId: Number(flags.sendTo), since: flags.since, tz: flags.tz },
        )
        process.stdout.write(
          `brief since ${sent.since} queued for channel ${flags.sendTo} (notification ${sent.notificationId})\n`,
        )
        return
      }
      const params = new URLSearchParams({ since: flags.since, tz: flags.tz })
      const brief = await apiClient(flags).request<Brief>('GET', `/api/v1/brief?${params}`)
      process.stdout.write(
        flags.json
          ? `${JSON.stringify(brief, null, 2)}\n`
          : formatBrief(brief, flags.server ?? process.env.WATCHFLOOR_URL),
      )
    })
}
