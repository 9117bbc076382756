import type { JsonObject } from '../../normalise/values.js'

/**
 * Zeek's default TSV logs carry their schema in `#` header lines (`#fields`, `#types`, `#path`),
 * so a line means nothing alone: this reader follows the headers of one file and turns each
 * data line into the JSON object Zeek would have written with `LogAscii::use_json`.
 */
export interface ZeekTsvReader {
  /** The record for a data line; null for a header line. A string is the reason the line is bad. */
  read(line: string): JsonObject | null | string
}

const NUMERIC_TYPES = new Set(['count', 'int', 'double', 'port', 'interval'])

export function createZeekTsvReader(): ZeekTsvReader {
  let separator = '\t'
  let setSeparator = ','
  let emptyField = '(empty)'
  let unsetField = '-'
  let path: string | null = null
  let fields: string[] = []
  let types: string[] = []

  function header(line: string): void {
    const space = line.search(/[\s]/)
    const name = space === -1 ? line : line.slice(0, space)
    const value = space === -1 ? '' : line.slice(space + 1)
    if (name === '#separator')
      separator = value.replace(/\\x([0-9a-f]{2})/gi, (_, hex: string) =>
        String.fromCharCode(Number.parseInt(hex, 16)),
      )
    else if (name === '#set_separator') setSeparator = value.split(separator)[0] ?? ','
    else if (name === '#empty_field') emptyField = value.split(separator)[0] ?? '(empty)'
    else if (name === '#unset_field') unsetField = value.split(separator)[0] ?? '-'
    else if (name === '#path') path = value.split(separator)[0] ?? null
    else if (name === '#fields') fields = line.split(separator).slice(1)
    else if (name === '#types') types = line.split(separator).slice(1)
  }

  function convert(value: string, type: string): unknown {
    if (value === unsetField) return null
    if (type.startsWith('set[') || type.startsWith('vector[')) {
      return value === emptyField ? [] : value.split(setSeparator)
    }
    if (type === 'time' || NUMERIC_TYPES.has(type)) return Number(value)
    if (type === 'bool') return value === 'T'
    return value === emptyField ? '' : value
  }

  return {
    read(line) {
      if (line.startsWith('#')) {
        header(line)
        return null
      }
      if (fields.length === 0) return 'Zeek TSV data line before any #fields header'
      const values = line.split(separator)
      if (values.length !== fields.length) {
        return `Zeek TSV line has ${values.length} fields, the #fields header names ${fields.length}`
      }
      const record: JsonObject = path === null ? {} : { _path: path }
      for (let index = 0; index < fields.length; index++) {
        const value = convert(values[index]!, types[index] ?? 'string')
        if (value !== null) record[fields[index]!] = value
      }
      return record
    },
  }
}
