import type { EventDraft } from './event-draft.js'
import { asInteger, asIp, asObject, asText, type JsonObject } from './values.js'

/**
 * Fills the gaps of a draft from ECS fields already in the event (Beats, Elastic Agent, Vector
 * and other ECS shippers): `process.command_line`, `user.name`, `source.ip` …
 */
export function fillFromEcsFields(record: JsonObject, draft: EventDraft): void {
  const process = asObject(record.process)
  if (process !== null) {
    draft.processExecutable ??= asText(process.executable)
    draft.processName ??= asText(process.name)
    draft.processCommandLine ??= asText(process.command_line)
    draft.processPid ??= asInteger(process.pid)
    const parent = asObject(process.parent)
    if (parent !== null) {
      draft.parentExecutable ??= asText(parent.executable)
      draft.parentName ??= asText(parent.name)
      draft.parentCommandLine ??= asText(parent.command_line)
      draft.parentPid ??= asInteger(parent.pid)
    }
  }
  const user = asObject(record.user)
  if (user !== null && draft.userName === null) {
    draft.userName = asText(user.name)
    draft.userDomain = asText(user.domain)
    draft.userId ??= asText(user.id)
  }
  const host = asObject(record.host)
  if (host !== null) draft.hostName ??= asText(host.name) ?? asText(host.hostname)
  const source = asObject(record.source)
  if (source !== null && draft.sourceIp === null) {
    draft.sourceIp = asIp(source.ip)
    draft.sourcePort = asInteger(source.port)
  }
  const destination = asObject(record.destination)
  if (destination !== null && draft.destinationIp === null) {
    draft.destinationIp = asIp(destination.ip)
    draft.destinationPort = asInteger(destination.port)
  }
  const file = asObject(record.file)
  if (file !== null) draft.filePath ??= asText(file.path)
  const url = asObject(record.url)
  if (url !== null) {
    draft.urlFull ??= asText(url.full) ?? asText(url.original)
    draft.urlDomain ??= asText(url.domain)
    draft.urlPath ??= asText(url.path)
  }
  const event = asObject(record.event)
  if (event !== null) {
    draft.eventCode ??= asText(event.code)
    draft.action ??= asText(event.action)
    const outcome = event.outcome
    if (draft.outcome === null && (outcome === 'success' || outcome === 'failure' || outcome === 'unknown')) {
      draft.outcome = outcome
    }
  }
}
