import protobuf from 'protobufjs'

const repeated = 'repeated'
const keyValues = { rule: repeated, type: 'KeyValue' }

/**
 * The OTLP messages the logs endpoint reads and writes, as a protobufjs JSON descriptor written
 * from the public opentelemetry-proto definitions (collector/logs/v1, logs/v1, common/v1,
 * resource/v1, and google.rpc.Status). Field names are those of OTLP's JSON encoding
 * (lowerCamelCase), so both encodings decode to the same shape; only numbers and types matter on
 * the wire. The severity enum is read as its integer.
 */
const DESCRIPTOR = {
  nested: {
    otlp: {
      nested: {
        ExportLogsServiceRequest: {
          fields: { resourceLogs: { rule: repeated, type: 'ResourceLogs', id: 1 } },
        },
        ExportLogsServiceResponse: {
          fields: { partialSuccess: { type: 'ExportLogsPartialSuccess', id: 1 } },
        },
        ExportLogsPartialSuccess: {
          fields: { rejectedLogRecords: { type: 'int64', id: 1 }, errorMessage: { type: 'string', id: 2 } },
        },
        ResourceLogs: {
          fields: {
            resource: { type: 'Resource', id: 1 },
            scopeLogs: { rule: repeated, type: 'ScopeLogs', id: 2 },
            schemaUrl: { type: 'string', id: 3 },
            // Before OTLP 0.19 scopes were "instrumentation libraries", with the same layout.
            instrumentationLibraryLogs: { rule: repeated, type: 'ScopeLogs', id: 1000 },
          },
        },
        Resource: {
          fields: { attributes: { ...keyValues, id: 1 }, droppedAttributesCount: { type: 'uint32', id: 2 } },
        },
        ScopeLogs: {
          fields: {
            scope: { type: 'InstrumentationScope', id: 1 },
            logRecords: { rule: repeated, type: 'LogRecord', id: 2 },
            schemaUrl: { type: 'string', id: 3 },
          },
        },
        InstrumentationScope: {
          fields: {
            name: { type: 'string', id: 1 },
            version: { type: 'string', id: 2 },
            attributes: { ...keyValues, id: 3 },
            droppedAttributesCount: { type: 'uint32', id: 4 },
          },
        },
        LogRecord: {
          fields: {
            timeUnixNano: { type: 'fixed64', id: 1 },
            severityNumber: { type: 'int32', id: 2 },
            severityText: { type: 'string', id: 3 },
            body: { type: 'AnyValue', id: 5 },
            attributes: { ...keyValues, id: 6 },
            droppedAttributesCount: { type: 'uint32', id: 7 },
            flags: { type: 'fixed32', id: 8 },
            traceId: { type: 'bytes', id: 9 },
            spanId: { type: 'bytes', id: 10 },
            observedTimeUnixNano: { type: 'fixed64', id: 11 },
            eventName: { type: 'string', id: 12 },
          },
        },
        AnyValue: {
          oneofs: {
            value: {
              oneof: [
                'stringValue',
                'boolValue',
                'intValue',
                'doubleValue',
                'arrayValue',
                'kvlistValue',
                'bytesValue',
              ],
            },
          },
          fields: {
            stringValue: { type: 'string', id: 1 },
            boolValue: { type: 'bool', id: 2 },
            intValue: { type: 'int64', id: 3 },
            doubleValue: { type: 'double', id: 4 },
            arrayValue: { type: 'ArrayValue', id: 5 },
            kvlistValue: { type: 'KeyValueList', id: 6 },
            bytesValue: { type: 'bytes', id: 7 },
          },
        },
        ArrayValue: { fields: { values: { rule: repeated, type: 'AnyValue', id: 1 } } },
        KeyValueList: { fields: { values: { ...keyValues, id: 1 } } },
        KeyValue: { fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } } },
        /** google.rpc.Status, the body of an OTLP error answer (its `details` are not used). */
        Status: { fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 } } },
      },
    },
  },
}

const root = protobuf.Root.fromJSON(DESCRIPTOR)

export const ExportLogsServiceRequest = root.lookupType('otlp.ExportLogsServiceRequest')
export const ExportLogsServiceResponse = root.lookupType('otlp.ExportLogsServiceResponse')
export const RpcStatus = root.lookupType('otlp.Status')

/**
 * A protobuf request as the JSON encoding's plain shape: 64-bit integers as decimal strings,
 * bytes as base64 (trace and span ids included: see `idsAreBase64` in otlp-logs.ts).
 */
export function decodeLogsRequest(bytes: Uint8Array): unknown {
  const message = ExportLogsServiceRequest.decode(bytes)
  return ExportLogsServiceRequest.toObject(message, { longs: String, bytes: String, enums: Number })
}

export function encodeLogsResponse(
  partialSuccess: { rejectedLogRecords: number; errorMessage: string } | undefined,
) {
  return ExportLogsServiceResponse.encode(
    ExportLogsServiceResponse.create(partialSuccess ? { partialSuccess } : {}),
  ).finish()
}

export function encodeStatus(code: number, message: string): Uint8Array {
  return RpcStatus.encode(RpcStatus.create({ code, message })).finish()
}
