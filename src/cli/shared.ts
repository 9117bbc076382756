import type { Command } from 'commander'
import { CLI_ORIGIN, SYSTEM_ACTOR } from '../auth/actor.js'
import { loadConfig } from '../config/load-config.js'
import type { Config } from '../config/settings.js'
import { UserError, WatchfloorError } from '../core/errors.js'
import { createServices, type Services } from '../server/services.js'
import { openStore } from '../store/open-store.js'

/** Exit codes every command keeps to. */
export const EXIT = { ok: 0, failure: 1, usage: 2, unavailable: 3 } as const

export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message)
  }
}

export interface StorageFlags {
  config?: string
  dataDir?: string
  databaseUrl?: string
}

/** The flags every command that touches the database accepts. */
export function withStorageFlags(command: Command): Command {
  return command
    .option('-c, --config <file>', 'YAML configuration file (or WATCHFLOOR_CONFIG)')
    .option('--data-dir <dir>', 'data folder for the embedded database (or WATCHFLOOR_DATA_DIR)')
    .option(
      '--database-url <url>',
      'PostgreSQL URL instead of the embedded database (or WATCHFLOOR_DATABASE_URL)',
    )
}

export function configFromFlags(
  flags: StorageFlags & Partial<Record<keyof Config, unknown>>,
  extra: Partial<Record<keyof Config, unknown>> = {},
): Config {
  return loadConfig({
    file: flags.config,
    overrides: { dataDir: flags.dataDir, databaseUrl: flags.databaseUrl, ...extra },
  })
}

/** Opens the store for a one-shot command; changes are audited as the system acting from the CLI. */
export async function withServices<T>(
  flags: StorageFlags,
  work: (services: Services, config: Config) => Promise<T>,
): Promise<T> {
  const config = configFromFlags(flags)
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    duckdbMemoryLimit: config.duckdbMemoryLimit,
    poolSize: 2,
  })
  const services = createServices(store, config)
  try {
    return await work(services, config)
  } finally {
    await services.ingest.close()
    await store.close()
  }
}

export const CLI_ACTOR = { ...SYSTEM_ACTOR, name: `cli:${process.env.USER ?? 'unknown'}` }
export { CLI_ORIGIN }

/** Prints rows as an aligned table. */
export function printTable(rows: Record<string, unknown>[], columns: string[]): void {
  const cells = rows.map((row) => columns.map((column) => formatCell(row[column])))
  const widths = columns.map((column, index) =>
    Math.max(column.length, ...cells.map((line) => line[index]!.length)),
  )
  const line = (values: string[]) =>
    values
      .map((value, index) => value.padEnd(widths[index]!))
      .join('  ')
      .trimEnd()
  process.stdout.write(`${line(columns.map((c) => c.toUpperCase()))}\n`)
  for (const values of cells) process.stdout.write(`${line(values)}\n`)
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '-'
  if (value instanceof Date) return value.toISOString()
  return String(value)
}

/** Turns any error into a message and an exit code; a bug prints its stack. */
export function reportError(error: unknown): number {
  if (error instanceof CliExit) {
    if (error.message) process.stderr.write(`${error.message}\n`)
    return error.exitCode
  }
  if (error instanceof UserError) {
    process.stderr.write(`error: ${error.message}\n`)
    return EXIT.usage
  }
  if (error instanceof WatchfloorError) {
    process.stderr.write(`error: ${error.message}\n`)
    return error.code === 'database_unavailable' ? EXIT.unavailable : EXIT.failure
  }
  process.stderr.write(
    `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  )
  return EXIT.failure
}
