import type { JsonObject } from '../../normalise/values.js'

const HEADER_NAMES = [
  'cefVersion',
  'deviceVendor',
  'deviceProduct',
  'deviceVersion',
  'signatureId',
  'name',
  'severity',
]

function unescapeHeader(text: string): string {
  return text.includes('\\') ? text.replace(/\\([\\|])/g, '$1') : text
}

function unescapeExtension(text: string): string {
  if (!text.includes('\\')) return text
  return text.replace(/\\(.)/g, (_, escaped: string) =>
    escaped === 'n' ? '\n' : escaped === 'r' ? '\r' : escaped,
  )
}

function isKeyCharacter(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 ||
    code === 46 ||
    code === 45 ||
    code === 91 ||
    code === 93
  )
}

/** Where the key that ends at `equals` starts, or -1 when the `=` belongs to a value (`?a=b` in a URL). */
function keyStart(extension: string, equals: number, floor: number): number {
  let position = equals - 1
  while (position >= floor && isKeyCharacter(extension.charCodeAt(position))) position--
  if (position === equals - 1) return -1
  if (position >= floor && extension.charCodeAt(position) !== 32) return -1
  return position + 1
}

/**
 * The extension `key=value key2=value with spaces`: a value runs to the space before the next
 * key. `\=` inside values is an escaped `=`; an unescaped `=` inside a URL stays in the value.
 */
export function parseCefExtension(extension: string, fields: JsonObject): void {
  let currentKey: string | null = null
  let valueStart = 0
  let searchFrom = 0
  while (true) {
    let equals = extension.indexOf('=', searchFrom)
    while (equals > 0 && extension.charCodeAt(equals - 1) === 92) equals = extension.indexOf('=', equals + 1)
    const start = equals === -1 ? -1 : keyStart(extension, equals, valueStart)
    if (equals !== -1 && start === -1) {
      searchFrom = equals + 1
      continue
    }
    if (currentKey !== null) {
      const valueEnd = equals === -1 ? extension.length : Math.max(valueStart, start - 1)
      fields[currentKey] = unescapeExtension(extension.slice(valueStart, valueEnd).trim())
    }
    if (equals === -1) return
    currentKey = extension.slice(start, equals)
    valueStart = equals + 1
    searchFrom = equals + 1
  }
}

/** `CEF:0|Vendor|Product|1.0|100|Name|5|src=10.0.0.1 …` (the text from `CEF:` on). */
export function parseCef(text: string): JsonObject | string {
  if (!text.startsWith('CEF:')) return 'a CEF record starts with "CEF:"'
  const fields: JsonObject = {}
  let position = 4
  for (let index = 0; index < HEADER_NAMES.length; index++) {
    let pipe = text.indexOf('|', position)
    while (pipe > 0 && text.charCodeAt(pipe - 1) === 92 && text.charCodeAt(pipe - 2) !== 92) {
      pipe = text.indexOf('|', pipe + 1)
    }
    if (pipe === -1) {
      return `CEF header needs 7 '|'-separated fields (version|vendor|product|version|signature id|name|severity|), found ${index}`
    }
    fields[HEADER_NAMES[index]!] = unescapeHeader(text.slice(position, pipe))
    position = pipe + 1
  }
  const version = fields.cefVersion
  if (version !== '0' && version !== '1') return `CEF version must be 0 or 1, got "${String(version)}"`
  parseCefExtension(text.slice(position), fields)
  return fields
}
