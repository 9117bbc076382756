import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { UserError } from '../../core/errors.js'

export interface FoundFile {
  path: string
  size: number
}

/** Names read when a directory is walked; a file named on the command line is always read. */
export const LOG_FILE_PATTERN = /\.(json|jsonl|ndjson|log|txt|csv|tsv|evtx|gz|tgz|zip|tar)$|\.log\.\d+$/i

/** Files that sit beside datasets but are not logs. */
const NOT_LOGS = /^(license|licence|readme|notice|copying|changelog)(\.|$)/i

/**
 * Expands the given paths into the files to read, in a stable order: a file as given, a directory
 * walked recursively (sorted by name, hidden entries skipped, only names matching `pattern`).
 * A path that does not exist is a user error naming it.
 */
export async function findEventFiles(
  paths: readonly string[],
  pattern = LOG_FILE_PATTERN,
): Promise<FoundFile[]> {
  const found: FoundFile[] = []
  for (const given of paths) {
    let info: Awaited<ReturnType<typeof stat>>
    try {
      info = await stat(given)
    } catch (error) {
      throw new UserError('file_not_found', `cannot read ${given}: no such file or directory`, {
        cause: error,
      })
    }
    if (info.isDirectory()) await walk(given, pattern, found)
    else found.push({ path: given, size: info.size })
  }
  return found
}

async function walk(dir: string, pattern: RegExp, found: FoundFile[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true })
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const entry of entries) {
    if (entry.name.startsWith('.') || NOT_LOGS.test(entry.name)) continue
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      await walk(full, pattern, found)
      continue
    }
    if (!pattern.test(entry.name) || !(entry.isFile() || entry.isSymbolicLink())) continue
    // A link is followed to a file; links to directories are not walked (no loops).
    const info = await stat(full).catch(() => undefined)
    if (info?.isFile()) found.push({ path: full, size: info.size })
  }
}
