import type { JsonObject } from '../../normalise/values.js'

/** Splits one CSV line (RFC 4180 quoting, `""` for a quote); null when a quote is left open. */
export function splitCsvLine(line: string): string[] | null {
  const values: string[] = []
  let position = 0
  while (position <= line.length) {
    if (line[position] === '"') {
      let value = ''
      position++
      while (true) {
        const quote = line.indexOf('"', position)
        if (quote === -1) return null
        value += line.slice(position, quote)
        if (line[quote + 1] === '"') {
          value += '"'
          position = quote + 2
          continue
        }
        position = quote + 1
        break
      }
      values.push(value)
      position++
    } else {
      let comma = line.indexOf(',', position)
      if (comma === -1) comma = line.length
      values.push(line.slice(position, comma).trim())
      position = comma + 1
    }
  }
  return values
}

/**
 * A CSV file read line by line: the first line names the columns, each later line becomes an
 * object with those names. Like Zeek TSV, the meaning comes from the file's header.
 */
export function createCsvReader(): { read(line: string): JsonObject | null | string } {
  let columns: string[] | null = null
  return {
    read(line) {
      const values = splitCsvLine(line)
      if (values === null) return 'CSV line has an unclosed quote'
      if (columns === null) {
        columns = values
        return null
      }
      if (values.length !== columns.length) {
        return `CSV line has ${values.length} values, the header names ${columns.length} columns`
      }
      const record: JsonObject = {}
      for (let index = 0; index < columns.length; index++) record[columns[index]!] = values[index]
      return record
    },
  }
}
