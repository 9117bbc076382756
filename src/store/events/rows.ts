import type { Insertable } from 'kysely'
import { type StoredEvent, storedOriginalText } from '../../core/event.js'
import type { EventsTable } from '../schema.js'

export function eventToRow(event: StoredEvent): Insertable<EventsTable> {
  return {
    event_time: event.timestamp,
    received_at: event.receivedAt,
    source: event.source,
    dataset: event.dataset,
    event_code: event.eventCode,
    host_name: event.hostName,
    user_name: event.userName,
    source_ip: event.sourceIp,
    destination_ip: event.destinationIp,
    process_name: event.processName,
    process_command_line: event.processCommandLine,
    original: storedOriginalText(event),
    labels: event.labels ? JSON.stringify(event.labels) : null,
  }
}

/** Multi-row INSERTs are capped so that one statement stays under PostgreSQL's 65,535 parameters. */
export const INSERT_CHUNK_ROWS = 2_000
