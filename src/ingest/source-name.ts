import { SOURCE_NAME_PATTERN } from './sources.service.js'

const MAX_SOURCE_NAME = 64

/**
 * Turns a name a shipper chose (an Elasticsearch index, a Splunk index, an OpenTelemetry
 * `service.name`) into a valid source name: lower-cased; every run of characters outside
 * a-z, 0-9, `.`, `_` and `-` becomes one `-`; separators at either end are dropped; cut to 64
 * characters. Undefined when nothing usable is left.
 */
export function toSourceName(name: string): string | undefined {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '')
    .slice(0, MAX_SOURCE_NAME)
    .replace(/[._-]+$/, '')
  return SOURCE_NAME_PATTERN.test(cleaned) ? cleaned : undefined
}
