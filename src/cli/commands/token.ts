import type { Command } from 'commander'
import { isRole, ROLES } from '../../auth/roles.js'
import { NotFoundError, UserError } from '../../core/errors.js'
import {
  CLI_ACTOR,
  CLI_ORIGIN,
  printTable,
  type StorageFlags,
  withServices,
  withStorageFlags,
} from '../shared.js'

export function registerToken(program: Command): void {
  const token = program.command('token').description('manage API tokens')

  withStorageFlags(token.command('create'))
    .description('create an API token for a user; the token is printed once')
    .requiredOption('-u, --user <username>', 'owner of the token')
    .requiredOption('-r, --role <role>', `one of ${ROLES.join(', ')} (at most the owner's role)`)
    .requiredOption('-n, --name <name>', 'what the token is for, e.g. "vector on fw01"')
    .option('--expires-in-days <days>', 'expiry, in days from now')
    .action(
      async (flags: StorageFlags & { user: string; role: string; name: string; expiresInDays?: string }) => {
        if (!isRole(flags.role))
          throw new UserError('invalid_role', `unknown role "${flags.role}": use one of ${ROLES.join(', ')}`)
        const role = flags.role
        const days = flags.expiresInDays === undefined ? undefined : Number(flags.expiresInDays)
        if (days !== undefined && !(Number.isInteger(days) && days > 0)) {
          throw new UserError('invalid_expiry', '--expires-in-days must be a positive whole number')
        }
        await withServices(flags, async (services) => {
          const owner = await services.users.findByUsername(flags.user)
          if (!owner) throw new NotFoundError('user', flags.user)
          if (ROLES.indexOf(role) > ROLES.indexOf(owner.role)) {
            throw new UserError(
              'role_escalation',
              `${owner.username} is ${owner.role}; a token cannot hold more (${role})`,
            )
          }
          const expiresAt = days ? new Date(Date.now() + days * 86_400_000) : null
          const created = await services.tokens.create(
            { name: flags.name, role, userId: owner.id, expiresAt },
            CLI_ACTOR,
            CLI_ORIGIN,
          )
          process.stdout.write(`${created.token}\n`)
          process.stderr.write(
            `token ${created.info.id} for ${owner.username}, role ${role}${expiresAt ? `, expires ${expiresAt.toISOString()}` : ''}; shown once\n`,
          )
        })
      },
    )

  withStorageFlags(token.command('list'))
    .description('list API tokens (never their secrets)')
    .action(async (flags: StorageFlags) => {
      await withServices(flags, async (services) => {
        const tokens = await services.tokens.list()
        printTable(tokens as unknown as Record<string, unknown>[], [
          'id',
          'name',
          'prefix',
          'role',
          'userId',
          'expiresAt',
          'revokedAt',
          'lastUsedAt',
        ])
      })
    })

  withStorageFlags(token.command('revoke <id>'))
    .description('revoke an API token by id')
    .action(async (id: string, flags: StorageFlags) => {
      const tokenId = Number(id)
      if (!Number.isInteger(tokenId) || tokenId <= 0)
        throw new UserError('invalid_id', `"${id}" is not a token id`)
      await withServices(flags, async (services) => {
        await services.tokens.revoke(tokenId, CLI_ACTOR, CLI_ORIGIN)
        process.stdout.write(`token ${tokenId} revoked\n`)
      })
    })
}
