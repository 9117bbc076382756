import type { Command } from 'commander'
import { migrateToLatest } from '../../store/migrate.js'
import { openStore } from '../../store/open-store.js'
import { configFromFlags, type StorageFlags, withStorageFlags } from '../shared.js'

export function registerMigrate(program: Command): void {
  withStorageFlags(program.command('migrate'))
    .description('apply pending database migrations (serve also does this at start-up)')
    .action(async (flags: StorageFlags) => {
      const config = configFromFlags(flags)
      const store = await openStore({
        databaseUrl: config.databaseUrl,
        dataDir: config.dataDir,
        duckdbMemoryLimit: config.duckdbMemoryLimit,
        migrate: false,
        poolSize: 2,
      })
      try {
        const { applied, notes } = await migrateToLatest(store)
        process.stdout.write(
          applied.length ? `applied: ${applied.join(', ')}\n` : 'the database is up to date\n',
        )
        for (const { migration, message } of notes) process.stderr.write(`${migration}: ${message}\n`)
      } finally {
        await store.close()
      }
    })
}
