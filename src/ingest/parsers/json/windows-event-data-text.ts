import type { JsonObject } from '../../normalise/values.js'

const XML_DATA = /<Data Name=["']([^"']+)["']\s*>([^<]*)<\/Data>/g
const XML_ENTITIES: Record<string, string> = {
  '&lt;': '<',
  '&gt;': '>',
  '&amp;': '&',
  '&quot;': '"',
  '&apos;': "'",
}

function decodeXml(text: string): string {
  return text.includes('&')
    ? text.replace(/&(?:lt|gt|amp|quot|apos);/g, (entity) => XML_ENTITIES[entity] ?? entity)
    : text
}

/**
 * `EventData` kept as text, as Azure Log Analytics / Sentinel tables do: a JSON object text
 * (SecurityEvent, Sysmon through the Event table) or the `<EventData><Data Name="…">` XML.
 * Returns the named values, or null when the text is neither.
 */
export function parseEventDataText(text: string): JsonObject | null {
  const first = text.trimStart().charCodeAt(0)
  if (first === 123) {
    try {
      const parsed: unknown = JSON.parse(text)
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? (parsed as JsonObject)
        : null
    } catch {
      return null
    }
  }
  if (first !== 60) return null
  const data: JsonObject = {}
  let found = false
  for (const match of text.matchAll(XML_DATA)) {
    data[match[1]!] = decodeXml(match[2]!)
    found = true
  }
  return found ? data : null
}
