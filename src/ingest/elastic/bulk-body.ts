import { ElasticError } from './elastic-errors.js'

export type BulkAction = 'index' | 'create' | 'update' | 'delete'

export interface BulkOperation {
  action: BulkAction
  /** The action's `_index`; the URL's index applies when absent. */
  index: string | undefined
  id: string | undefined
  /** The document line as sent (index and create only). */
  document: string | undefined
  /** 1-based line number of the document line, or of the action line when there is none. */
  line: number
}

const ACTIONS: ReadonlySet<string> = new Set<BulkAction>(['index', 'create', 'update', 'delete'])

/**
 * Splits a `_bulk` body into operations: an action line, then a document line for `index`,
 * `create` and `update` (none for `delete`). Blank lines between operations are skipped; the line
 * after an action is its document whatever it holds. A malformed action line fails the whole
 * request, as in Elasticsearch; a bad document only fails its own item, later.
 */
export function parseBulkBody(lines: readonly string[]): BulkOperation[] {
  const operations: BulkOperation[] = []
  let index = 0
  while (index < lines.length) {
    const actionLine = stripCarriageReturn(lines[index]!)
    const lineNumber = index + 1
    index += 1
    if (actionLine.trim().length === 0) continue
    const { action, meta } = readActionLine(actionLine, lineNumber)
    const target = {
      action,
      index: metaString(meta, '_index', lineNumber),
      id: metaString(meta, '_id', lineNumber),
    }
    if (action === 'delete') {
      operations.push({ ...target, document: undefined, line: lineNumber })
      continue
    }
    if (index >= lines.length || (index === lines.length - 1 && lines[index] === '')) {
      throw new ElasticError(
        'illegal_argument_exception',
        `the ${action} action on line [${lineNumber}] has no document line after it`,
      )
    }
    const document = stripCarriageReturn(lines[index]!)
    index += 1
    operations.push({ ...target, document: action === 'update' ? undefined : document, line: index })
  }
  if (operations.length === 0)
    throw new ElasticError('action_request_validation_exception', 'Validation Failed: 1: no requests added;')
  return operations
}

function readActionLine(
  line: string,
  lineNumber: number,
): { action: BulkAction; meta: Record<string, unknown> } {
  let parsed: unknown
  try {
    parsed = JSON.parse(line)
  } catch (error) {
    throw new ElasticError(
      'x_content_parse_exception',
      `Malformed action/metadata line [${lineNumber}]: ${(error as Error).message}`,
    )
  }
  if (!isObject(parsed))
    throw new ElasticError(
      'illegal_argument_exception',
      `Malformed action/metadata line [${lineNumber}], expected START_OBJECT`,
    )
  const keys = Object.keys(parsed)
  const action = keys[0]
  if (keys.length !== 1 || action === undefined || !ACTIONS.has(action))
    throw new ElasticError(
      'illegal_argument_exception',
      `Malformed action/metadata line [${lineNumber}], expected one field of [create], [delete], [index] or [update] but found [${keys.join('], [')}]`,
    )
  const meta = parsed[action] ?? {}
  if (!isObject(meta))
    throw new ElasticError(
      'illegal_argument_exception',
      `Malformed action/metadata line [${lineNumber}], expected START_OBJECT after [${action}]`,
    )
  return { action: action as BulkAction, meta }
}

function metaString(meta: Record<string, unknown>, key: string, lineNumber: number): string | undefined {
  const value = meta[key]
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return value
  if (typeof value === 'number') return String(value)
  throw new ElasticError(
    'illegal_argument_exception',
    `Malformed action/metadata line [${lineNumber}]: [${key}] must be a string`,
  )
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line
}
