import {
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type Kysely,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from 'kysely'

/** Table and column listing from DuckDB's information_schema (Kysely's Migrator needs it). */
export class DuckDBIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<unknown>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const result = await sql<{
      name: string
    }>`SELECT schema_name AS name FROM information_schema.schemata`.execute(this.db)
    return result.rows
  }

  async getTables(): Promise<TableMetadata[]> {
    const result = await sql<{
      table_schema: string
      table_name: string
      table_type: string
      column_name: string
      data_type: string
      is_nullable: string
      column_default: string | null
    }>`
      SELECT t.table_schema, t.table_name, t.table_type, c.column_name, c.data_type, c.is_nullable, c.column_default
      FROM information_schema.tables t
      JOIN information_schema.columns c ON c.table_schema = t.table_schema AND c.table_name = t.table_name
      WHERE t.table_schema NOT IN ('information_schema', 'pg_catalog')
      ORDER BY t.table_name, c.ordinal_position`.execute(this.db)
    const tables = new Map<string, TableMetadata>()
    for (const row of result.rows) {
      const key = `${row.table_schema}.${row.table_name}`
      let table = tables.get(key)
      if (!table) {
        table = {
          name: row.table_name,
          schema: row.table_schema,
          isView: row.table_type === 'VIEW',
          columns: [],
        }
        tables.set(key, table)
      }
      ;(table.columns as TableMetadata['columns'][number][]).push({
        name: row.column_name,
        dataType: row.data_type,
        isNullable: row.is_nullable === 'YES',
        isAutoIncrementing: false,
        hasDefaultValue: row.column_default !== null,
      })
    }
    return [...tables.values()]
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() }
  }
}
