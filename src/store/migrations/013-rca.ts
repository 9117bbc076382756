import { type Kysely, sql } from 'kysely'
import type { SchemaDialect } from '../ddl/schema-dialect.js'

/**
 * One root-cause analysis per incident: the text people write, its version for optimistic
 * concurrency and its review state. Detection times, key events and action items are read live
 * from the incident, its alerts, timeline and follow-ups, so they are not stored here.
 */
export async function up(db: Kysely<unknown>, ddl: SchemaDialect): Promise<void> {
  const json = ddl.jsonType
  await sql
    .raw(`CREATE TABLE incident_rcas (
    incident_id BIGINT PRIMARY KEY,
    version INTEGER NOT NULL,
    state VARCHAR NOT NULL,
    summary VARCHAR NOT NULL,
    impact VARCHAR NOT NULL,
    detection VARCHAR NOT NULL,
    root_cause VARCHAR NOT NULL,
    contributing_factors ${json} NOT NULL,
    five_whys ${json} NOT NULL,
    went_well ${json} NOT NULL,
    went_badly ${json} NOT NULL,
    authors ${json} NOT NULL,
    created_by VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_by VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    submitted_by VARCHAR,
    submitted_at TIMESTAMPTZ,
    reviewed_by VARCHAR,
    reviewed_at TIMESTAMPTZ,
    review_comment VARCHAR
  )`)
    .execute(db)
}
