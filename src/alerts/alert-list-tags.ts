import { type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool, sql } from 'kysely'
import type { Database } from '../store/schema.js'

/** The JSON-list columns of an alert the list filters on (`?tag=`, `?tactic=`, `?technique=`). */
export type AlertListColumn = 'tags' | 'tactics' | 'techniques'

/**
 * `text LIKE %needle%` with the needle's own `%`, `_` and `\` taken literally. The escape
 * character is named: PostgreSQL defaults to `\`, DuckDB has none.
 */
export function containsText(
  text: Expression<string> | RawBuilder<string>,
  needle: string,
): RawBuilder<SqlBool> {
  const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  return sql<SqlBool>`${text} like ${pattern} escape '\\'`
}

/**
 * Alerts whose JSON list holds this exact value (case-insensitive). Both engines print a JSON
 * list with each string in double quotes, so the quoted value is searched in the list's text;
 * the same SQL runs on DuckDB (JSON) and PostgreSQL (jsonb).
 */
export function alertListContains(
  _e: ExpressionBuilder<Database, 'alerts'>,
  column: AlertListColumn,
  value: string,
): RawBuilder<SqlBool> {
  return containsText(
    sql<string>`lower(cast(${sql.ref(column)} as varchar))`,
    JSON.stringify(value.toLowerCase()),
  )
}
