import type { Kysely } from 'kysely'
import type { MigrationNote, SchemaDialect } from '../ddl/schema-dialect.js'
import * as foundation from './001-foundation.js'
import * as ingest from './002-ingest.js'
import * as detections from './003-detections.js'
import * as ruleStates from './004-rule-states.js'
import * as alerts from './005-alerts.js'
import * as silences from './006-silences.js'
import * as notify from './007-notify.js'
import * as correlationState from './008-correlation-state.js'
import * as cases from './009-cases.js'
import * as alertQuieting from './010-alert-quieting.js'
import * as alertSla from './011-alert-sla.js'
import * as caseEvidence from './012-case-evidence.js'
import * as rca from './013-rca.js'
import * as eventLabels from './014-event-labels.js'
import * as alertEntities from './015-alert-entities.js'
import * as eventCompression from './016-event-compression.js'
import * as incidentDetectedAt from './017-incident-detected-at.js'
import * as alertSearchIndex from './018-alert-search-index.js'
import * as eventOriginalText from './019-event-original-text.js'
import * as alertIncidentIndex from './020-alert-incident-index.js'
import * as eventAppendOrder from './021-event-append-order.js'
import * as eventOriginalRefs from './022-event-original-refs.js'

export interface StoreMigration {
  up(db: Kysely<unknown>, ddl: SchemaDialect, note: MigrationNote): Promise<void>
}

/** Every migration, in order. Names are permanent once released: add, never rename. */
export const MIGRATIONS: Record<string, StoreMigration> = {
  '001-foundation': foundation,
  '002-ingest': ingest,
  '003-detections': detections,
  '004-rule-states': ruleStates,
  '005-alerts': alerts,
  '006-silences': silences,
  '007-notify': notify,
  '008-correlation-state': correlationState,
  '009-cases': cases,
  '010-alert-quieting': alertQuieting,
  '011-alert-sla': alertSla,
  '012-case-evidence': caseEvidence,
  '013-rca': rca,
  '014-event-labels': eventLabels,
  '015-alert-entities': alertEntities,
  '016-event-compression': eventCompression,
  '017-incident-detected-at': incidentDetectedAt,
  '018-alert-search-index': alertSearchIndex,
  '019-event-original-text': eventOriginalText,
  '020-alert-incident-index': alertIncidentIndex,
  '021-event-append-order': eventAppendOrder,
  '022-event-original-refs': eventOriginalRefs,
}
