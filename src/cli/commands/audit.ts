import type { Command } from 'commander'
import { verifyAuditChain } from '../../auth/audit.js'
import { CliExit, EXIT, type StorageFlags, withServices, withStorageFlags } from '../shared.js'

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log')
  withStorageFlags(audit.command('verify'))
    .description(
      're-hash the audit chain; exits 1 and names the first broken entry after any edit or deletion',
    )
    .action(async (flags: StorageFlags) => {
      const result = await withServices(flags, (services) => verifyAuditChain(services.store))
      if (result.ok) {
        process.stdout.write(`audit log intact: ${result.checked} entries verified\n`)
        return
      }
      const broken = result.firstBroken!
      throw new CliExit(
        EXIT.failure,
        `audit log BROKEN at entry seq=${broken.seq}: ${broken.reason} (${result.checked} entries before it verified)`,
      )
    })
}
