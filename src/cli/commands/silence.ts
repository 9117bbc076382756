import type { Command } from 'commander'
import { UserError } from '../../core/errors.js'
import { type ApiFlags, apiClient, withApiFlags } from '../api-client.js'
import { printTable } from '../shared.js'

interface PublicSilence {
  id: number
  matchers: { field: string; op: string; value: string }[]
  startsAt: string
  endsAt: string
  author: string
  comment: string
  state: string
  matchedCount: number
}

const MATCHER = /^([a-zA-Z]+)(=~|!~|!=|=)(.+)$/
const DURATION = /^(\d+)([mhd])$/

/** `host=~build-.*` → { field: 'host', op: '=~', value: 'build-.*' } */
export function parseMatcher(text: string): { field: string; op: string; value: string } {
  const match = MATCHER.exec(text)
  if (!match)
    throw new UserError(
      'invalid_matcher',
      `"${text}" is not a matcher: write field=value, field!=value, field=~regex or field!~regex`,
    )
  return { field: match[1]!, op: match[2]!, value: match[3]! }
}

export function parseDuration(text: string): number {
  const match = DURATION.exec(text)
  if (!match) throw new UserError('invalid_duration', `"${text}" is not a duration: write 30m, 4h or 2d`)
  return Number(match[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd']
}

export function registerSilence(program: Command): void {
  const silence = program
    .command('silence')
    .description('silences: matched alerts are recorded but not notified until the silence ends')

  withApiFlags(silence.command('add <matchers...>'))
    .description(
      'silence alerts matching every matcher (field=value, field!=value, field=~regex, field!~regex; fields: ruleId, ruleTitle, severity, source, host, user, tag)',
    )
    .requiredOption('-d, --duration <duration>', 'how long: 30m, 4h, 2d')
    .requiredOption('-m, --comment <text>', 'why')
    .action(async (matchers: string[], flags: ApiFlags & { duration: string; comment: string }) => {
      const body = {
        matchers: matchers.map(parseMatcher),
        endsAt: new Date(Date.now() + parseDuration(flags.duration)).toISOString(),
        comment: flags.comment,
      }
      const created = await apiClient(flags).request<PublicSilence>('POST', '/api/v1/silences', body)
      process.stdout.write(`silence ${created.id} until ${created.endsAt}\n`)
    })

  withApiFlags(silence.command('list'))
    .description('current silences (--all for ended ones too)')
    .option('--all', 'include ended silences')
    .action(async (flags: ApiFlags & { all?: boolean }) => {
      const { items } = await apiClient(flags).request<{ items: PublicSilence[] }>(
        'GET',
        `/api/v1/silences${flags.all ? '?all=true' : ''}`,
      )
      printTable(
        items.map((item) => ({
          ...item,
          matchers: item.matchers.map((m) => `${m.field}${m.op}${m.value}`).join(' '),
        })),
        ['id', 'state', 'matchers', 'endsAt', 'author', 'matchedCount', 'comment'],
      )
    })

  withApiFlags(silence.command('expire <id>'))
    .description('end a silence now')
    .action(async (id: string, flags: ApiFlags) => {
      const ended = await apiClient(flags).request<PublicSilence>(
        'POST',
        `/api/v1/silences/${encodeURIComponent(id)}/expire`,
        {},
      )
      process.stdout.write(`silence ${ended.id} ended\n`)
    })
}
