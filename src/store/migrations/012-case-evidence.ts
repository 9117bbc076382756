import { type Kysely, sql } from 'kysely'
import { BUILT_IN_TEMPLATES } from '../../cases/templates.builtin.js'
import type { SchemaDialect } from '../ddl/schema-dialect.js'

/**
 * Evidence with its chain of custody, incident templates (tasks and typed custom fields per
 * incident type), and schedules that send the brief to a chat channel.
 */
export async function up(db: Kysely<unknown>, ddl: SchemaDialect): Promise<void> {
  const json = ddl.jsonType
  await sql`CREATE SEQUENCE incident_evidence_id_seq START 1`.execute(db)
  await sql`CREATE TABLE incident_evidence (
    id BIGINT PRIMARY KEY DEFAULT nextval('incident_evidence_id_seq'),
    incident_id BIGINT NOT NULL,
    name VARCHAR NOT NULL,
    description VARCHAR,
    media_type VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL,
    acquired_by VARCHAR NOT NULL,
    acquired_at TIMESTAMPTZ NOT NULL,
    acquired_where VARCHAR,
    acquisition_method VARCHAR,
    uploaded_by VARCHAR NOT NULL,
    uploaded_at TIMESTAMPTZ NOT NULL,
    last_verified_at TIMESTAMPTZ,
    last_verify_result VARCHAR
  )`.execute(db)
  await sql`CREATE INDEX incident_evidence_idx ON incident_evidence (incident_id, id)`.execute(db)
  await sql`CREATE INDEX incident_evidence_hash_idx ON incident_evidence (sha256)`.execute(db)

  await sql`CREATE SEQUENCE evidence_custody_id_seq START 1`.execute(db)
  await sql
    .raw(`CREATE TABLE evidence_custody (
    id BIGINT PRIMARY KEY DEFAULT nextval('evidence_custody_id_seq'),
    evidence_id BIGINT NOT NULL,
    incident_id BIGINT NOT NULL,
    action VARCHAR NOT NULL,
    actor VARCHAR NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    reason VARCHAR,
    details ${json}
  )`)
    .execute(db)
  await sql`CREATE INDEX evidence_custody_idx ON evidence_custody (evidence_id, id)`.execute(db)

  await sql`CREATE SEQUENCE incident_templates_id_seq START 1`.execute(db)
  await sql
    .raw(`CREATE TABLE incident_templates (
    id BIGINT PRIMARY KEY DEFAULT nextval('incident_templates_id_seq'),
    name VARCHAR NOT NULL UNIQUE,
    title VARCHAR NOT NULL,
    description VARCHAR,
    severity VARCHAR NOT NULL,
    tags ${json} NOT NULL,
    tasks ${json} NOT NULL,
    fields ${json} NOT NULL,
    built_in BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
  )`)
    .execute(db)
  const now = new Date()
  for (const template of BUILT_IN_TEMPLATES) {
    await sql`INSERT INTO incident_templates
      (name, title, description, severity, tags, tasks, fields, built_in, created_at, updated_at)
      VALUES (${template.name}, ${template.title}, ${template.description}, ${template.severity},
        ${JSON.stringify(template.tags)}, ${JSON.stringify(template.tasks)}, ${JSON.stringify(template.fields)},
        true, ${now}, ${now})`.execute(db)
  }
  // The template an incident was opened from: its field definitions validate the custom fields.
  await sql`ALTER TABLE incidents ADD COLUMN template VARCHAR`.execute(db)

  await sql`CREATE SEQUENCE brief_schedules_id_seq START 1`.execute(db)
  await sql
    .raw(`CREATE TABLE brief_schedules (
    id BIGINT PRIMARY KEY DEFAULT nextval('brief_schedules_id_seq'),
    name VARCHAR NOT NULL,
    channel_id BIGINT NOT NULL,
    cron VARCHAR NOT NULL,
    time_zone VARCHAR NOT NULL,
    period_hours INTEGER,
    enabled BOOLEAN NOT NULL DEFAULT true,
    last_slot_at TIMESTAMPTZ,
    created_by VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
  )`)
    .execute(db)
}
