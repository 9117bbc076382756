/** What could not be parsed: kept with its reason and its raw bytes, never dropped silently. */
export interface NewDeadLetter {
  receivedAt: Date
  source: string
  parser: string | null
  input: string
  reason: string
  location: string | null
  raw: string | Uint8Array
  context?: Record<string, unknown>
}

/** Raw input kept per dead letter; beyond this it is truncated and flagged as such. */
export const MAX_DEAD_LETTER_RAW_BYTES = 1024 * 1024

export function encodeRaw(raw: string | Uint8Array): {
  raw: string
  encoding: 'utf8' | 'base64'
  truncated: boolean
} {
  if (typeof raw === 'string') {
    const truncated = raw.length > MAX_DEAD_LETTER_RAW_BYTES
    return { raw: truncated ? raw.slice(0, MAX_DEAD_LETTER_RAW_BYTES) : raw, encoding: 'utf8', truncated }
  }
  const bytes = raw.length > MAX_DEAD_LETTER_RAW_BYTES ? raw.subarray(0, MAX_DEAD_LETTER_RAW_BYTES) : raw
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes)
  // Keep text as text when it is valid UTF-8 without NULs; anything else as base64.
  const clean = !text.includes('\uFFFD') && !text.includes('\u0000')
  return {
    raw: clean ? text : Buffer.from(bytes).toString('base64'),
    encoding: clean ? 'utf8' : 'base64',
    truncated: bytes !== raw,
  }
}
