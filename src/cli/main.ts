import { Command, CommanderError } from 'commander'
import { addOfflineRulesCommands } from '../detect/scan/rules-offline-commands.js'
import { registerScan } from '../detect/scan/scan-command.js'
import { registerImport } from '../ingest/import/import-command.js'
import { registerAlerts } from './commands/alerts.js'
import { registerAudit } from './commands/audit.js'
import { registerBrief } from './commands/brief.js'
import { registerConfig } from './commands/config.js'
import { registerEvidence } from './commands/evidence.js'
import { registerExceptions } from './commands/exceptions.js'
import { registerIncidentExport } from './commands/incident-export.js'
import { registerMetrics } from './commands/metrics.js'
import { registerMigrate } from './commands/migrate.js'
import { registerNotify } from './commands/notify.js'
import { registerRules } from './commands/rules.js'
import { registerServe } from './commands/serve.js'
import { registerSilence } from './commands/silence.js'
import { registerSource } from './commands/source.js'
import { registerToken } from './commands/token.js'
import { registerUser } from './commands/user.js'
import { EXIT, reportError } from './shared.js'

export function buildProgram(): Command {
  const program = new Command('watchfloor')
    .description('Watchfloor: security operations from the first log line to the root-cause analysis')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride()
  for (const register of [
    registerServe,
    registerMigrate,
    registerUser,
    registerToken,
    registerAudit,
    registerConfig,
    registerSource,
    (root: Command) => addOfflineRulesCommands(registerRules(root)),
    registerScan,
    registerSilence,
    registerExceptions,
    registerNotify,
    registerBrief,
    registerAlerts,
    registerEvidence,
    registerIncidentExport,
    registerMetrics,
    registerImport,
  ]) {
    register(program)
  }
  return program
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv)
    return EXIT.ok
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage
    return reportError(error)
  }
}

// Run when executed directly (node dist/cli/main.js, tsx src/cli/main.ts), not when imported.
const entry = process.argv[1] ?? ''
if (/cli[\\/]main\.[jt]s$/.test(entry)) {
  main(process.argv).then((code) => {
    // serve keeps running until a signal; every other command exits with its code.
    if (code !== EXIT.ok || process.argv[2] !== 'serve') process.exit(code)
  })
}
