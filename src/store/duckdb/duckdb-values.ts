import { type DuckDBResultReader, DuckDBTypeId, type DuckDBValue, timestampTZValue } from '@duckdb/node-api'

/**
 * Values cross the DuckDB boundary in the same JavaScript shapes the `pg` driver gives, so that
 * services see one behaviour on both engines: BIGINT as number, TIMESTAMPTZ as Date, JSON as a
 * parsed value.
 */
export function toDuckDBParameter(value: unknown): DuckDBValue {
  if (value instanceof Date) return timestampTZValue(BigInt(value.getTime()) * 1000n)
  if (value === undefined) return null
  if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) {
    return JSON.stringify(value)
  }
  return value as DuckDBValue
}

export function readRows(reader: DuckDBResultReader): Record<string, unknown>[] {
  const rows = reader.getRowObjectsJS() as Record<string, unknown>[]
  const columnNames = reader.columnNames()
  const columnTypes = reader.columnTypes()
  for (let column = 0; column < columnNames.length; column++) {
    const name = columnNames[column]!
    const type = columnTypes[column]!
    const isJson = type.typeId === DuckDBTypeId.VARCHAR && type.alias === 'JSON'
    const isBigInt =
      type.typeId === DuckDBTypeId.BIGINT ||
      type.typeId === DuckDBTypeId.HUGEINT ||
      type.typeId === DuckDBTypeId.UBIGINT
    if (!isJson && !isBigInt) continue
    for (const row of rows) {
      const value = row[name]
      if (value === null || value === undefined) continue
      if (isJson) row[name] = JSON.parse(value as string)
      else row[name] = bigintToNumber(value as bigint)
    }
  }
  return rows
}

function bigintToNumber(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(value)
    : value
}
