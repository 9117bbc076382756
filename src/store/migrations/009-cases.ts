import { type Kysely, sql } from 'kysely'
import type { SchemaDialect } from '../ddl/schema-dialect.js'

/** Incidents (cases): the alerts they gather, their timeline, tasks and follow-ups, observables and notes. */
export async function up(db: Kysely<unknown>, ddl: SchemaDialect): Promise<void> {
  const json = ddl.jsonType
  await sql`CREATE SEQUENCE incidents_id_seq START 1`.execute(db)
  await sql
    .raw(`CREATE TABLE incidents (
    id BIGINT PRIMARY KEY DEFAULT nextval('incidents_id_seq'),
    title VARCHAR NOT NULL,
    description VARCHAR,
    severity VARCHAR NOT NULL,
    tlp VARCHAR NOT NULL,
    pap VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    resolution VARCHAR,
    impact VARCHAR,
    owner VARCHAR,
    participants ${json} NOT NULL,
    tags ${json} NOT NULL,
    custom_fields ${json} NOT NULL,
    created_by VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    detected_at TIMESTAMPTZ,
    contained_at TIMESTAMPTZ,
    resolved_at TIMESTAMPTZ,
    closed_at TIMESTAMPTZ,
    merged_into BIGINT
  )`)
    .execute(db)
  await sql`CREATE INDEX incidents_status_idx ON incidents (status, updated_at)`.execute(db)

  await sql`CREATE SEQUENCE incident_timeline_id_seq START 1`.execute(db)
  await sql
    .raw(`CREATE TABLE incident_timeline (
    id BIGINT PRIMARY KEY DEFAULT nextval('incident_timeline_id_seq'),
    incident_id BIGINT NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    kind VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    body VARCHAR,
    actor VARCHAR NOT NULL,
    flagged BOOLEAN NOT NULL DEFAULT false,
    ref_type VARCHAR,
    ref_id VARCHAR,
    details ${json}
  )`)
    .execute(db)
  await sql`CREATE INDEX incident_timeline_idx ON incident_timeline (incident_id, occurred_at)`.execute(db)

  await sql`CREATE SEQUENCE incident_tasks_id_seq START 1`.execute(db)
  await sql`CREATE TABLE incident_tasks (
    id BIGINT PRIMARY KEY DEFAULT nextval('incident_tasks_id_seq'),
    incident_id BIGINT NOT NULL,
    kind VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    owner VARCHAR,
    due_at TIMESTAMPTZ,
    status VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    completed_at TIMESTAMPTZ
  )`.execute(db)
  await sql`CREATE INDEX incident_tasks_idx ON incident_tasks (incident_id, id)`.execute(db)

  await sql`CREATE SEQUENCE incident_observables_id_seq START 1`.execute(db)
  await sql`CREATE TABLE incident_observables (
    id BIGINT PRIMARY KEY DEFAULT nextval('incident_observables_id_seq'),
    incident_id BIGINT NOT NULL,
    type VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    ioc BOOLEAN NOT NULL DEFAULT false,
    tlp VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (incident_id, type, value)
  )`.execute(db)

  await sql`CREATE SEQUENCE incident_notes_id_seq START 1`.execute(db)
  await sql
    .raw(`CREATE TABLE incident_notes (
    id BIGINT PRIMARY KEY DEFAULT nextval('incident_notes_id_seq'),
    incident_id BIGINT NOT NULL,
    body VARCHAR NOT NULL,
    author VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    revisions ${json} NOT NULL,
    mentions ${json} NOT NULL
  )`)
    .execute(db)
}
