import type { Command } from 'commander'
import { UserError } from '../../core/errors.js'
import { type ApiFlags, apiClient, withApiFlags } from '../api-client.js'
import { printTable } from '../shared.js'
import { parseDuration } from './silence.js'

interface PublicException {
  id: number
  ruleId: string | null
  matchers: { field: string; op: string; value: string; negate: boolean }[]
  owner: string
  reason: string
  expiresAt: string
  state: string
  expiringSoon: boolean
  hitCount: number
  lastHitAt: string | null
}

/** The operators on the command line: `=` equals, `*=` contains, `=~` regex; a leading `!` negates. */
const MATCHER = /^([a-zA-Z][\w.]*?)(!?)(\*=|=~|=)(.+)$/
const OPS: Record<string, 'equals' | 'contains' | 'regex'> = {
  '=': 'equals',
  '*=': 'contains',
  '=~': 'regex',
}
const SYMBOLS: Record<string, string> = { equals: '=', contains: '*=', regex: '=~' }

/** `host.name=~build-\d+` → { field: 'host.name', op: 'regex', value: 'build-\d+', negate: false } */
export function parseExceptionMatcher(text: string): {
  field: string
  op: 'equals' | 'contains' | 'regex'
  value: string
  negate: boolean
} {
  const match = MATCHER.exec(text)
  if (!match)
    throw new UserError(
      'invalid_matcher',
      `"${text}" is not a matcher: write field=value, field*=part, field=~regex, or put ! before the operator to negate (field!=value)`,
    )
  return { field: match[1]!, op: OPS[match[3]!]!, value: match[4]!, negate: match[2] === '!' }
}

function expiryOf(text: string): string {
  if (/^\d+[mhd]$/.test(text)) return new Date(Date.now() + parseDuration(text)).toISOString()
  const date = new Date(text)
  if (Number.isNaN(date.getTime()))
    throw new UserError('invalid_expiry', `"${text}" is neither a duration (30d) nor a date (2026-12-31)`)
  return date.toISOString()
}

export function registerExceptions(program: Command): void {
  const exceptions = program
    .command('exceptions')
    .description('exceptions: detections matching them raise no alert, until they expire')

  withApiFlags(exceptions.command('add <matchers...>'))
    .description(
      'add an exception on a rule (--rule) or every rule (--all-rules, engineers): field=value, field*=part, field=~regex, field!=value… over ruleId, source, host, user, ip, process, hash, domain, url, file, tag, matched.<Field>',
    )
    .option('-r, --rule <id>', 'the rule it applies to')
    .option('--all-rules', 'apply to every rule')
    .requiredOption('-m, --reason <text>', 'why these detections are expected')
    .requiredOption('-e, --expires <when>', 'a duration (30d) or a date (2026-12-31)')
    .option('-o, --owner <name>', 'who answers for it (default: you)')
    .action(
      async (
        matchers: string[],
        flags: ApiFlags & {
          rule?: string
          allRules?: boolean
          reason: string
          expires: string
          owner?: string
        },
      ) => {
        if (Boolean(flags.rule) === Boolean(flags.allRules))
          throw new UserError('invalid_scope', 'give either --rule <id> or --all-rules')
        const created = await apiClient(flags).request<PublicException>('POST', '/api/v1/exceptions', {
          ruleId: flags.rule ?? null,
          matchers: matchers.map(parseExceptionMatcher),
          reason: flags.reason,
          expiresAt: expiryOf(flags.expires),
          ...(flags.owner ? { owner: flags.owner } : {}),
        })
        process.stdout.write(`exception ${created.id} until ${created.expiresAt}\n`)
      },
    )

  withApiFlags(exceptions.command('list'))
    .description('active exceptions with their hits (--expired or --all for the others)')
    .option('--expired', 'only expired exceptions')
    .option('--all', 'active and expired')
    .option('-r, --rule <id>', 'only this rule’s')
    .action(async (flags: ApiFlags & { expired?: boolean; all?: boolean; rule?: string }) => {
      const query = new URLSearchParams({ state: flags.all ? 'all' : flags.expired ? 'expired' : 'active' })
      if (flags.rule) query.set('ruleId', flags.rule)
      const { items } = await apiClient(flags).request<{ items: PublicException[] }>(
        'GET',
        `/api/v1/exceptions?${query}`,
      )
      printTable(
        items.map((item) => ({
          ...item,
          state: item.expiringSoon ? 'expiring soon' : item.state,
          rule: item.ruleId ?? '(all rules)',
          matchers: item.matchers
            .map((m) => `${m.field}${m.negate ? '!' : ''}${SYMBOLS[m.op] ?? m.op}${m.value}`)
            .join(' '),
          hits: item.hitCount,
          lastHit: item.lastHitAt ?? '-',
        })),
        ['id', 'state', 'rule', 'matchers', 'owner', 'expiresAt', 'hits', 'lastHit', 'reason'],
      )
    })

  withApiFlags(exceptions.command('expire <id>'))
    .description('end an exception now')
    .action(async (id: string, flags: ApiFlags) => {
      const ended = await apiClient(flags).request<PublicException>(
        'POST',
        `/api/v1/exceptions/${encodeURIComponent(id)}/expire`,
        {},
      )
      process.stdout.write(`exception ${ended.id} expired\n`)
    })
}
