import { UserError } from '../../core/errors.js'
import type { RawRecord } from '../ingest.service.js'
import { fromAnyValue, fromKeyValues, isRecord } from './any-value.js'

/** The log records of one `resourceLogs` entry, ready for the parser. */
export interface ResourceBatch {
  /** The resource's `service.name`, which names the source for a person's token. */
  serviceName: string | undefined
  records: RawRecord[]
}

const SEVERITY_NAMES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const

/**
 * Reads an ExportLogsServiceRequest in OTLP's JSON shape (the protobuf encoding is decoded to the
 * same shape first). Each log record becomes one flat object for the parser:
 * `{ '@timestamp', message | body, severity, severity_number, event_name, trace_id, span_id,
 * attributes, resource, scope }`, with AnyValues as plain values and KeyValue lists as objects;
 * the time is `timeUnixNano`, or `observedTimeUnixNano` when that is unknown. The resource's
 * `host.name` fills the event's host when the parser finds none.
 *
 * @param idsAreBase64 trace and span ids are hex in JSON, raw bytes (base64 here) in protobuf
 */
export function readLogsRequest(request: unknown, idsAreBase64: boolean): ResourceBatch[] {
  if (!isRecord(request)) throw invalid('the request must be an ExportLogsServiceRequest object')
  return listOf(request.resourceLogs, 'resourceLogs').map((resourceLogs, resourceIndex) => {
    const at = `resourceLogs[${resourceIndex}]`
    const resource = fromKeyValues(
      isRecord(resourceLogs.resource) ? resourceLogs.resource.attributes : undefined,
    )
    const hostName = typeof resource['host.name'] === 'string' ? resource['host.name'] : undefined
    const serviceName = typeof resource['service.name'] === 'string' ? resource['service.name'] : undefined
    const scopes = resourceLogs.scopeLogs ?? resourceLogs.instrumentationLibraryLogs
    const records: RawRecord[] = []
    listOf(scopes, `${at}.scopeLogs`).forEach((scopeLogs, scopeIndex) => {
      const scope = scopeOf(scopeLogs.scope ?? scopeLogs.instrumentationLibrary)
      const scopeAt = `${at}.scopeLogs[${scopeIndex}]`
      listOf(scopeLogs.logRecords, `${scopeAt}.logRecords`).forEach((logRecord, recordIndex) => {
        const record: RawRecord = {
          raw: toRecord(logRecord, resource, scope, idsAreBase64),
          location: `${scopeAt}.logRecords[${recordIndex}]`,
        }
        if (hostName) record.framing = { defaults: { hostName } }
        records.push(record)
      })
    })
    return { serviceName, records }
  })
}

function toRecord(
  logRecord: Record<string, unknown>,
  resource: Record<string, unknown>,
  scope: Record<string, unknown> | undefined,
  idsAreBase64: boolean,
): Record<string, unknown> {
  const record: Record<string, unknown> = {}
  const time = nanosToDate(logRecord.timeUnixNano) ?? nanosToDate(logRecord.observedTimeUnixNano)
  if (time) record['@timestamp'] = time.toISOString()
  const body = fromAnyValue(logRecord.body)
  if (typeof body === 'string') record.message = body
  else if (body !== null) record.body = body
  const severityNumber = typeof logRecord.severityNumber === 'number' ? logRecord.severityNumber : 0
  const severity =
    typeof logRecord.severityText === 'string' && logRecord.severityText !== ''
      ? logRecord.severityText
      : SEVERITY_NAMES[Math.ceil(severityNumber / 4) - 1]
  if (severity !== undefined) record.severity = severity
  if (severityNumber > 0) record.severity_number = severityNumber
  if (typeof logRecord.eventName === 'string' && logRecord.eventName !== '')
    record.event_name = logRecord.eventName
  const traceId = idOf(logRecord.traceId, idsAreBase64)
  if (traceId) record.trace_id = traceId
  const spanId = idOf(logRecord.spanId, idsAreBase64)
  if (spanId) record.span_id = spanId
  const attributes = fromKeyValues(logRecord.attributes)
  if (Object.keys(attributes).length > 0) record.attributes = attributes
  if (Object.keys(resource).length > 0) record.resource = resource
  if (scope) record.scope = scope
  return record
}

function scopeOf(scope: unknown): Record<string, unknown> | undefined {
  if (!isRecord(scope)) return undefined
  const result: Record<string, unknown> = {}
  if (typeof scope.name === 'string' && scope.name !== '') result.name = scope.name
  if (typeof scope.version === 'string' && scope.version !== '') result.version = scope.version
  const attributes = fromKeyValues(scope.attributes)
  if (Object.keys(attributes).length > 0) result.attributes = attributes
  return Object.keys(result).length > 0 ? result : undefined
}

/** Nanoseconds since the epoch (a decimal string, or a number in JSON) as a Date; 0 is unknown. */
function nanosToDate(value: unknown): Date | undefined {
  let millis: number
  if (typeof value === 'string' && /^\d+$/.test(value)) millis = Number(BigInt(value) / 1_000_000n)
  else if (typeof value === 'number' && Number.isFinite(value) && value > 0) millis = Math.floor(value / 1e6)
  else return undefined
  if (millis === 0) return undefined
  const date = new Date(millis)
  return Number.isNaN(date.getTime()) ? undefined : date
}

/** A trace or span id as lower-case hex; absent when empty or all zeroes (invalid in OTLP). */
function idOf(value: unknown, base64: boolean): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined
  const hex = base64 ? Buffer.from(value, 'base64').toString('hex') : value.toLowerCase()
  return /^[0-9a-f]+$/.test(hex) && /[1-9a-f]/.test(hex) ? hex : undefined
}

function listOf(value: unknown, path: string): Record<string, unknown>[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value) || !value.every(isRecord)) throw invalid(`${path} must be a list of objects`)
  return value
}

function invalid(message: string): UserError {
  return new UserError('invalid_otlp', `not an OTLP logs request: ${message}`)
}
