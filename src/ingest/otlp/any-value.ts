/**
 * OTLP's AnyValue and KeyValue lists (JSON encoding, or protobuf decoded to the same shape) as
 * plain JavaScript values: `{stringValue}` → string, `{intValue}` → number (a decimal string when
 * beyond 2^53), `{kvlistValue}` → object, `{arrayValue}` → array, `{bytesValue}` → its base64
 * text, an empty AnyValue → null.
 */
export function fromAnyValue(value: unknown): unknown {
  if (!isRecord(value)) return null
  if ('stringValue' in value) return value.stringValue
  if ('boolValue' in value) return value.boolValue
  if ('intValue' in value) return integer(value.intValue)
  if ('doubleValue' in value) return value.doubleValue
  if ('arrayValue' in value) {
    const values = isRecord(value.arrayValue) ? value.arrayValue.values : undefined
    return Array.isArray(values) ? values.map(fromAnyValue) : []
  }
  if ('kvlistValue' in value)
    return fromKeyValues(isRecord(value.kvlistValue) ? value.kvlistValue.values : undefined)
  if ('bytesValue' in value) return value.bytesValue
  return null
}

/** A KeyValue list as an object; a later duplicate key wins. */
export function fromKeyValues(list: unknown): Record<string, unknown> {
  const object: Record<string, unknown> = {}
  if (!Array.isArray(list)) return object
  for (const entry of list) {
    if (isRecord(entry) && typeof entry.key === 'string') object[entry.key] = fromAnyValue(entry.value)
  }
  return object
}

function integer(value: unknown): unknown {
  if (typeof value === 'number') return value
  if (typeof value === 'string' && /^-?\d+$/.test(value)) {
    const number = Number(value)
    return Number.isSafeInteger(number) ? number : value
  }
  return value
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
