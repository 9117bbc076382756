import type { FieldRef } from './field-ref.js'

/**
 * How to read rule field names from the shapes events arrive in:
 * - `evtx`: evtx_dump JSON, `{ Event: { System: {…, EventID, Channel}, EventData: {…}, UserData: {…} } }`
 *   with `#attributes` / `#text` keys; `Provider_Name` reads `System.Provider.#attributes.Name`.
 * - `ecs`: Winlogbeat / Elastic Agent, `winlog.event_data.*` then configured ECS paths.
 * - `flat`: agent JSON with the Windows field names at top level (OTRF), and any other JSON.
 * In every shape a dotted name (`userIdentity.type`) also walks nested objects.
 */
export type EventShape = 'evtx' | 'ecs' | 'flat'

type JsonObject = Record<string, unknown>

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function detectShape(event: JsonObject): EventShape {
  const wrapped = event.Event
  if (isObject(wrapped) && isObject(wrapped.System)) return 'evtx'
  if (isObject(event.winlog)) return 'ecs'
  return 'flat'
}

/** `{ "#text": 4688, "#attributes": {…} }` (evtx_dump for elements with attributes) → 4688. */
function unwrapText(value: unknown): unknown {
  if (isObject(value) && '#text' in value) return value['#text']
  return value
}

export function readPath(root: unknown, path: readonly string[]): unknown {
  let current = root
  for (const key of path) {
    if (!isObject(current)) return undefined
    current = current[key]
  }
  return current
}

/** Exact key first (flattened JSON may have dotted keys), then the nested path. */
function readDirectOrPath(event: JsonObject, field: FieldRef): unknown {
  const direct = event[field.name]
  if (direct !== undefined || field.path.length === 1) return direct
  return readPath(event, field.path)
}

/**
 * `Source Name` is read as `SourceName`: Sigma field names are the event's names with spaces
 * stripped. Only tried after an exact miss, over keys that contain a space.
 */
function readSpaceless(data: JsonObject, name: string): unknown {
  if (!hasSpacedKey(data)) return undefined
  for (const key in data) {
    if (key.includes(' ') && key.replaceAll(' ', '') === name) return data[key]
  }
  return undefined
}

let lastKeyed: JsonObject | undefined
let lastHasSpacedKey = false

/**
 * Whether an object has a key with a space, remembered for the last object asked about (until
 * `forgetSpacedKeys`): every rule field an event lacks ends in `readSpaceless`, dozens per event
 * on the same EventData, and almost no event has such a key.
 */
function hasSpacedKey(data: JsonObject): boolean {
  if (data !== lastKeyed) {
    lastKeyed = data
    lastHasSpacedKey = false
    for (const key in data) {
      if (key.includes(' ')) {
        lastHasSpacedKey = true
        break
      }
    }
  }
  return lastHasSpacedKey
}

/** Called for each new event: the remembered object may have been changed since. */
export function forgetSpacedKeys(): void {
  lastKeyed = undefined
}

function readEvtx(event: JsonObject, field: FieldRef): unknown {
  const root = event.Event as JsonObject
  const eventData = root.EventData
  if (isObject(eventData)) {
    const value = eventData[field.name] ?? readSpaceless(eventData, field.name)
    if (value !== undefined) return unwrapText(value)
  }
  const system = root.System as JsonObject
  const systemValue = system[field.name]
  if (systemValue !== undefined) return unwrapText(systemValue)
  const underscore = field.name.indexOf('_')
  if (underscore > 0) {
    const element = system[field.name.slice(0, underscore)]
    if (isObject(element)) {
      const attributes = element['#attributes']
      if (isObject(attributes)) {
        const attribute = attributes[field.name.slice(underscore + 1)]
        if (attribute !== undefined) return attribute
      }
    }
  }
  const userData = root.UserData
  if (isObject(userData)) {
    for (const key in userData) {
      const child = userData[key]
      if (!isObject(child)) continue
      const value = child[field.name] ?? readSpaceless(child, field.name)
      if (value !== undefined) return unwrapText(value)
    }
  }
  return readDirectOrPath(event, field)
}

function readEcs(
  event: JsonObject,
  field: FieldRef,
  ecsFields: Record<string, readonly (readonly string[])[]>,
): unknown {
  const winlog = event.winlog as JsonObject
  const eventData = winlog.event_data
  if (isObject(eventData)) {
    const value = eventData[field.name] ?? readSpaceless(eventData, field.name)
    if (value !== undefined) return value
  }
  const paths = ecsFields[field.name]
  if (paths !== undefined) {
    for (const path of paths) {
      const value = readPath(event, path)
      if (value !== undefined) return value
    }
  }
  return readDirectOrPath(event, field)
}

/** The raw value of a rule field in an event; `undefined` when the event does not have it. */
export function readField(
  event: JsonObject,
  shape: EventShape,
  field: FieldRef,
  ecsFields: Record<string, readonly (readonly string[])[]>,
): unknown {
  if (shape === 'evtx') return readEvtx(event, field)
  if (shape === 'ecs') return readEcs(event, field, ecsFields)
  return readDirectOrPath(event, field)
}

/** Every scalar leaf of an event, as text, for keyword (full-text) searches. */
export function collectLeafStrings(value: unknown, out: string[], depth = 0): void {
  if (depth > 32) return
  if (typeof value === 'string') out.push(value)
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value))
  else if (Array.isArray(value)) for (const item of value) collectLeafStrings(item, out, depth + 1)
  else if (isObject(value)) for (const key in value) collectLeafStrings(value[key], out, depth + 1)
}
