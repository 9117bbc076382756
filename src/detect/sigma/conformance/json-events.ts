/**
 * Reads events from a JSON file in any of the shapes log tools write: a JSON array, JSON lines,
 * or concatenated (pretty-printed) JSON values as evtx_dump writes them.
 */
export function parseJsonEvents(text: string): Record<string, unknown>[] {
  const trimmed = text.trim()
  if (trimmed.startsWith('[')) return asObjects(JSON.parse(trimmed))
  const events: Record<string, unknown>[] = []
  for (const chunk of splitJsonValues(trimmed)) events.push(...asObjects(JSON.parse(chunk)))
  return events
}

/** Splits concatenated JSON objects by tracking brace depth outside strings. */
export function splitJsonValues(text: string): string[] {
  const chunks: string[] = []
  let depth = 0
  let start = -1
  let inString = false
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index)
    if (inString) {
      if (char === 92) index++
      else if (char === 34) inString = false
      continue
    }
    if (char === 34) inString = true
    else if (char === 123 || char === 91) {
      if (depth === 0) start = index
      depth++
    } else if (char === 125 || char === 93) {
      depth--
      if (depth === 0 && start >= 0) {
        chunks.push(text.slice(start, index + 1))
        start = -1
      }
    }
  }
  if (depth !== 0) throw new SyntaxError('unterminated JSON value')
  return chunks
}

function asObjects(value: unknown): Record<string, unknown>[] {
  const list = Array.isArray(value) ? value : [value]
  return list.filter(
    (item): item is Record<string, unknown> =>
      typeof item === 'object' && item !== null && !Array.isArray(item),
  )
}
