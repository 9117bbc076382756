import type { JsonObject } from '../../normalise/values.js'
import { parseKeyValues } from './key-values.js'

/** LEEF 2.0 names its attribute delimiter: one character, `xHH`, `0xHH` or `\t`. */
function readDelimiter(spec: string): string | null {
  if (spec.length === 1) return spec
  if (spec === '\\t') return '\t'
  const hex = /^(?:0?x)([0-9a-fA-F]{2,4})$/i.exec(spec)
  return hex ? String.fromCharCode(Number.parseInt(hex[1]!, 16)) : null
}

function splitHeader(text: string, count: number): { parts: string[]; rest: string } | null {
  const parts: string[] = []
  let position = 0
  for (let index = 0; index < count; index++) {
    const pipe = text.indexOf('|', position)
    if (pipe === -1) return null
    parts.push(text.slice(position, pipe))
    position = pipe + 1
  }
  return { parts, rest: text.slice(position) }
}

function readAttributes(text: string, delimiter: string, fields: JsonObject): void {
  // Many devices write LEEF 1.0 with spaces instead of tabs: then it is key=value text.
  if (delimiter === '\t' && !text.includes('\t') && text.includes(' ')) {
    parseKeyValues(text, 0, fields)
    return
  }
  for (const attribute of text.split(delimiter)) {
    const equals = attribute.indexOf('=')
    if (equals > 0) fields[attribute.slice(0, equals).trim()] = attribute.slice(equals + 1)
  }
}

/** `LEEF:1.0|Vendor|Product|Version|EventID|attrs` or `LEEF:2.0|…|EventID|Delimiter|attrs`. */
export function parseLeef(text: string): JsonObject | string {
  if (!text.startsWith('LEEF:')) return 'a LEEF record starts with "LEEF:"'
  const header = splitHeader(text, 5)
  if (header === null) {
    return `LEEF header needs version|vendor|product|version|event id|, found ${text.split('|').length - 1} '|'`
  }
  const [versionPart, vendor, product, productVersion, eventId] = header.parts as [
    string,
    string,
    string,
    string,
    string,
  ]
  const version = versionPart.slice(5)
  if (version !== '1.0' && version !== '2.0' && version !== '1' && version !== '2') {
    return `LEEF version must be 1.0 or 2.0, got "${version}"`
  }
  const fields: JsonObject = { leefVersion: version, vendor, product, productVersion, eventId }
  let attributes = header.rest
  let delimiter = '\t'
  if (version.startsWith('2')) {
    const pipe = attributes.indexOf('|')
    const spec = pipe === -1 ? null : attributes.slice(0, pipe)
    if (spec !== null && !spec.includes('=')) {
      delimiter = spec === '' ? '\t' : (readDelimiter(spec) ?? '')
      if (delimiter === '') return `LEEF 2.0 delimiter "${spec}" is not a character or a hex code such as x09`
      attributes = attributes.slice(pipe + 1)
    }
  }
  readAttributes(attributes, delimiter, fields)
  return fields
}
