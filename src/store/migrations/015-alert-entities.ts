import { type Kysely, sql } from 'kysely'
import { entityRows } from '../../alerts/alert-entity-index.js'

/**
 * The entities of each alert (host, user, ip …) one per row, lower-cased, so that the alert list
 * filters by any of them with an index on both engines instead of searching JSON. Alerts already
 * stored are indexed here from their `entities` column.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE alert_entities (
    alert_id BIGINT NOT NULL,
    kind VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    PRIMARY KEY (alert_id, kind, value)
  )`.execute(db)
  await sql`CREATE INDEX alert_entities_value_idx ON alert_entities (kind, value)`.execute(db)

  const BATCH = 1_000
  let after = 0
  for (;;) {
    const rows = await sql<{ id: number | bigint; entities: unknown }>`
      SELECT id, entities FROM alerts WHERE id > ${after} ORDER BY id LIMIT ${BATCH}`.execute(db)
    if (rows.rows.length === 0) break
    const values: { alert_id: number; kind: string; value: string }[] = []
    for (const row of rows.rows) {
      const entities = typeof row.entities === 'string' ? JSON.parse(row.entities) : row.entities
      for (const [kind, value] of entityRows(entities)) values.push({ alert_id: Number(row.id), kind, value })
    }
    for (let start = 0; start < values.length; start += BATCH)
      await (db as Kysely<{ alert_entities: { alert_id: number; kind: string; value: string } }>)
        .insertInto('alert_entities')
        .values(values.slice(start, start + BATCH))
        .execute()
    after = Number(rows.rows.at(-1)!.id)
  }
}
