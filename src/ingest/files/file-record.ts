/**
 * What the file reader yields: one record of a log file, with where it came from so that an
 * error can name `file:line` (or the archive entry and record number).
 */

/** Where a record sits: the file on disk, the archive entry inside it, and its position. */
export interface RecordOrigin {
  /** The path on disk, as given or found by walking a directory. */
  file: string
  /** The member inside an archive (`zip`, `tar`), joined with `/` for nested archives. */
  entry?: string | undefined
  /**
   * 1-based position: the line for text and JSON lines, the row for CSV, the item for arrays, the
   * record for EVTX; 0 for a problem with the whole file or archive member.
   */
  record: number
  /** 1-based line where the record starts, for the text formats (for CSV, JSON arrays and documents too). */
  line?: number | undefined
}

/** The stream being read: a file, or a member of an archive inside it. */
export interface StreamSource {
  file: string
  entry?: string | undefined
}

/** The format a stream was read as, after decompression and content detection. */
export type RecordFormat = 'json-lines' | 'json-array' | 'json-document' | 'csv' | 'text' | 'evtx'

/** A JSON line that parsed: `raw` is the text (CR removed), `value` the parsed JSON. */
export interface JsonLineRecord extends RecordOrigin {
  kind: 'json'
  format: 'json-lines'
  raw: string
  value: unknown
}

/** A line of a JSON-lines stream that failed `JSON.parse`; the caller reports `file:line: invalid JSON`. */
export interface InvalidJsonRecord extends RecordOrigin {
  kind: 'invalid-json'
  format: 'json-lines' | 'json-array' | 'json-document'
  raw: string
  error: string
}

/** A plain text line (syslog and other line-oriented logs), CR removed. */
export interface TextLineRecord extends RecordOrigin {
  kind: 'text'
  format: 'text'
  raw: string
}

/** A structured record: a CSV row (header → values), a JSON array item or document, an EVTX event. */
export interface ObjectRecord extends RecordOrigin {
  kind: 'object'
  format: 'csv' | 'json-array' | 'json-document' | 'evtx'
  raw: Record<string, unknown>
}

/**
 * Something that could not be read as records: a truncated archive, a damaged EVTX chunk, a
 * binary member of an archive (`skipped: true`). Reading goes on with the next record or file.
 */
export interface FileProblemRecord extends RecordOrigin {
  kind: 'problem'
  /** A binary or unsupported member that was passed over, as opposed to a damaged one. */
  skipped: boolean
  message: string
}

export type FileRecord =
  | JsonLineRecord
  | InvalidJsonRecord
  | TextLineRecord
  | ObjectRecord
  | FileProblemRecord

/** `file:line`, `file!entry:line` or `file!entry record 3`, for error messages and dead letters. */
export function recordLocation(origin: RecordOrigin): string {
  const where = origin.entry === undefined ? origin.file : `${origin.file}!${origin.entry}`
  if (origin.line !== undefined) return `${where}:${origin.line}`
  return origin.record > 0 ? `${where} record ${origin.record}` : where
}
