import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely'
import { OperationalError } from '../core/errors.js'
import { MIGRATIONS } from './migrations/index.js'
import type { Store } from './store.js'

class StoreMigrationProvider implements MigrationProvider {
  readonly notes: MigrationReport['notes'] = []

  constructor(private readonly store: Store) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const migrations: Record<string, Migration> = {}
    for (const [name, migration] of Object.entries(MIGRATIONS)) {
      migrations[name] = {
        up: (db: Kysely<unknown>) =>
          migration.up(db, this.store.ddl, (message) => this.notes.push({ migration: name, message })),
      }
    }
    return migrations
  }
}

export interface MigrationReport {
  applied: string[]
  /** What an applied migration could not do on this server (e.g. an extension it may not create). */
  notes: { migration: string; message: string }[]
}

/** Applies every pending migration; Kysely's Migrator runs them in one transaction and, on PostgreSQL, under an advisory lock. */
export async function migrateToLatest(store: Store): Promise<MigrationReport> {
  const provider = new StoreMigrationProvider(store)
  const migrator = new Migrator({
    db: store.db,
    provider,
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown'
    throw new OperationalError('migration_failed', `migration ${failed} failed: ${describe(error)}`, [], {
      cause: error,
    })
  }
  return {
    applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
    notes: provider.notes,
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
