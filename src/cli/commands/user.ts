import type { Command } from 'commander'
import { generatePassword } from '../../auth/passwords.js'
import { isRole, ROLES } from '../../auth/roles.js'
import { UserError } from '../../core/errors.js'
import {
  CLI_ACTOR,
  CLI_ORIGIN,
  printTable,
  type StorageFlags,
  withServices,
  withStorageFlags,
} from '../shared.js'
import { readStdin } from '../stdin.js'

export function registerUser(program: Command): void {
  const user = program
    .command('user')
    .description('manage users (the embedded database must not be open by a running server)')

  withStorageFlags(user.command('create <username>'))
    .description('create a user; prints a generated password unless --password-stdin is given')
    .requiredOption('-r, --role <role>', `one of ${ROLES.join(', ')}`)
    .option('--display-name <name>', 'name shown in the console')
    .option('--password-stdin', 'read the password from standard input')
    .action(
      async (
        username: string,
        flags: StorageFlags & { role: string; displayName?: string; passwordStdin?: boolean },
      ) => {
        if (!isRole(flags.role))
          throw new UserError('invalid_role', `unknown role "${flags.role}": use one of ${ROLES.join(', ')}`)
        const role = flags.role
        const generated = flags.passwordStdin ? undefined : generatePassword()
        const password = generated ?? (await readStdin()).trim()
        await withServices(flags, async (services) => {
          const created = await services.users.create(
            {
              username,
              password,
              role,
              displayName: flags.displayName,
              mustChangePassword: generated !== undefined,
            },
            CLI_ACTOR,
            CLI_ORIGIN,
          )
          process.stdout.write(`created user ${created.username} (id ${created.id}, role ${created.role})\n`)
          if (generated)
            process.stdout.write(
              `password: ${generated}\n(shown once; the user should change it after logging in)\n`,
            )
        })
      },
    )

  withStorageFlags(user.command('list'))
    .description('list users')
    .option('--json', 'print JSON')
    .action(async (flags: StorageFlags & { json?: boolean }) => {
      await withServices(flags, async (services) => {
        const users = await services.users.list()
        if (flags.json) process.stdout.write(`${JSON.stringify(users, null, 2)}\n`)
        else
          printTable(users as unknown as Record<string, unknown>[], [
            'id',
            'username',
            'role',
            'disabled',
            'lastLoginAt',
          ])
      })
    })

  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    withStorageFlags(user.command(`${verb} <username>`))
      .description(
        disabled ? 'disable a user: ends their sessions and revokes their tokens' : 'enable a disabled user',
      )
      .action(async (username: string, flags: StorageFlags) => {
        await withServices(flags, async (services) => {
          await services.users.setDisabled(username, disabled, CLI_ACTOR, CLI_ORIGIN)
          process.stdout.write(`${username} ${disabled ? 'disabled' : 'enabled'}\n`)
        })
      })
  }
}
