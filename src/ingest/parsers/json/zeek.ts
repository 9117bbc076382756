import { EventDraft } from '../../normalise/event-draft.js'
import { parseTimestamp } from '../../normalise/timestamp.js'
import { asInteger, asIp, asText, firstText, type JsonObject } from '../../normalise/values.js'
import type { Parser } from '../types.js'

const datasets = new Map<string, string>()

/** Zeek JSON without `_path` (no `LogAscii::use_json` path field): the log told by its fields. */
function inferPath(record: JsonObject): string {
  if ('conn_state' in record) return 'conn'
  if ('qtype_name' in record || ('query' in record && 'rcode' in record)) return 'dns'
  if ('method' in record && 'uri' in record) return 'http'
  if ('cipher' in record || 'server_name' in record) return 'ssl'
  if ('certificate.subject' in record) return 'x509'
  if ('fuid' in record && 'mime_type' in record) return 'files'
  if ('note' in record) return 'notice'
  return 'log'
}

function zeekDataset(path: string): string {
  let dataset = datasets.get(path)
  if (dataset === undefined) {
    dataset = `zeek.${path.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`
    if (datasets.size < 200) datasets.set(path, dataset)
  }
  return dataset
}

/** What each log calls its event: the notice or weird name, the DNS query type, the HTTP method. */
function zeekCode(path: string, record: JsonObject): string | null {
  switch (path) {
    case 'notice':
      return asText(record.note)
    case 'weird':
      return asText(record.name)
    case 'dns':
      return asText(record.qtype_name)
    case 'http':
    case 'ftp':
      return asText(record.method) ?? asText(record.command)
    case 'analyzer':
    case 'dpd':
      return asText(record.analyzer_name) ?? asText(record.analyzer)
    case 'smb_files':
      return asText(record.action)
    default:
      return null
  }
}

/** Zeek logs written as JSON (`_path`, `ts`, `id.orig_h` …), one per line. */
export const zeekParser: Parser = {
  name: 'zeek',
  summary: 'Zeek (Bro) logs in JSON: conn, dns, http, ssl, notice, weird …',
  parseObject(record, context) {
    const path = asText(record._path) ?? inferPath(record)
    const draft = new EventDraft(zeekDataset(path), record)
    draft.eventCode = zeekCode(path, record)
    draft.timestamp = parseTimestamp(record.ts, 'UTC', context.receivedAt)
    draft.sourceIp = asIp(record['id.orig_h'])
    draft.sourcePort = asInteger(record['id.orig_p'])
    draft.destinationIp = asIp(record['id.resp_h'])
    draft.destinationPort = asInteger(record['id.resp_p'])
    draft.transport = asText(record.proto)
    draft.userName = firstText(record, ['user', 'username', 'client'])
    const host = asText(record.host)
    if (host !== null) {
      if (asIp(host) !== null) draft.hostIp = host
      else draft.urlDomain = host
    }
    draft.urlPath = asText(record.uri)
    if (path === 'smb_files' || path === 'files')
      draft.filePath = firstText(record, ['path', 'name', 'filename'])
    draft.message = asText(record.msg) ?? asText(record.message)
    return draft
  },
}
