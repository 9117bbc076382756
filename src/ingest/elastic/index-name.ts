import { toSourceName } from '../source-name.js'

/** A trailing part that only rolls: a rollover counter, a date, or a shipper's version. */
const ROLLING_SUFFIX = /[-_.](?:\d{6}|\d{8}|\d{4}[._-]\d{2}(?:[._-]\d{2})?|v?\d+\.\d+\.\d+(?:-[a-z0-9]+)?)$/

/**
 * The source a person's token writes to for an Elasticsearch index name (a source's own token
 * always writes to its source). Shippers roll their indices by day and by version
 * (`logs-2026.11.22`, `filebeat-7.17.0-2026.11.22`, `logstash-2026.11.22-000001`, the date math
 * `<logs-{now/d}>`), and one source per day would scatter one feed. So, lower-cased, date-math
 * braces are removed and the trailing parts that only roll (`-000001`, `-2026.11.22`,
 * `-2026-11-22`, `-20261122`, `-2026.11`, `-8.11.0`) are dropped, one after the other; what is
 * left goes through toSourceName (other characters become `-`, 64 characters at most).
 * `logs-nginx.access-default` (a data stream) stays as it is.
 */
export function sourceNameForIndex(index: string): string | undefined {
  let name = index.trim().toLowerCase()
  if (name.startsWith('<') && name.endsWith('>')) {
    name = name.slice(1, -1)
    while (/\{[^{}]*\}/.test(name)) name = name.replace(/\{[^{}]*\}/g, '')
  }
  while (ROLLING_SUFFIX.test(name)) name = name.replace(ROLLING_SUFFIX, '')
  return toSourceName(name)
}
