import type { Command } from 'commander'
import { loadConfig } from '../../config/load-config.js'
import { SETTINGS } from '../../config/settings.js'

export function registerConfig(program: Command): void {
  const config = program.command('config').description('configuration')
  config
    .command('check')
    .description('validate the configuration (file, environment) without starting; lists every problem')
    .option('-c, --config <file>', 'YAML configuration file (or WATCHFLOOR_CONFIG)')
    .option('--list', 'print every setting with its variable, default and documentation')
    .action((flags: { config?: string; list?: boolean }) => {
      if (flags.list) {
        for (const definition of Object.values(SETTINGS)) {
          const fallback = definition.default === undefined ? '(unset)' : JSON.stringify(definition.default)
          process.stdout.write(
            `${definition.env}  [${definition.key}]  default ${fallback}${definition.secret ? '  (secret; also _FILE)' : ''}\n    ${definition.doc}\n`,
          )
        }
        return
      }
      const resolved = loadConfig({ file: flags.config })
      const shown = {
        ...resolved,
        databaseUrl: resolved.databaseUrl ? '(set)' : undefined,
        adminPassword: resolved.adminPassword ? '(set)' : undefined,
      }
      process.stdout.write(`configuration is valid\n${JSON.stringify(shown, null, 2)}\n`)
    })
}
