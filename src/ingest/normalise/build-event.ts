import type { NormalisedEvent } from '../../core/event.js'
import type { EventDraft } from './event-draft.js'
import { baseName, type JsonObject } from './values.js'

export interface EventContext {
  source: string
  receivedAt: Date
}

/** Sets `key` on `target` when the value is present; returns whether it did. */
function put(target: JsonObject, key: string, value: string | number | null): boolean {
  if (value === null) return false
  target[key] = value
  return true
}

function processGroup(draft: EventDraft, processName: string | null): JsonObject | null {
  const process: JsonObject = {}
  let filled = put(process, 'name', processName)
  filled = put(process, 'executable', draft.processExecutable) || filled
  filled = put(process, 'command_line', draft.processCommandLine) || filled
  filled = put(process, 'pid', draft.processPid) || filled
  const parent: JsonObject = {}
  const parentName = draft.parentName ?? (draft.parentExecutable ? baseName(draft.parentExecutable) : null)
  let parentFilled = put(parent, 'name', parentName)
  parentFilled = put(parent, 'executable', draft.parentExecutable) || parentFilled
  parentFilled = put(parent, 'command_line', draft.parentCommandLine) || parentFilled
  parentFilled = put(parent, 'pid', draft.parentPid) || parentFilled
  if (parentFilled) process.parent = parent
  return filled || parentFilled ? process : null
}

function endpoint(ip: string | null, port: number | null): JsonObject | null {
  if (ip === null && port === null) return null
  const group: JsonObject = {}
  put(group, 'ip', ip)
  put(group, 'port', port)
  return group
}

/**
 * The ECS view of a draft: nested objects (`event`, `host`, `user`, `source`, `process` …), only
 * the groups that have a value. The typed columns of the NormalisedEvent are read from it too.
 */
function buildEcs(
  draft: EventDraft,
  timestamp: Date,
  receivedAt: Date,
  processName: string | null,
): JsonObject {
  const event: JsonObject = { dataset: draft.dataset, ingested: receivedAt }
  put(event, 'code', draft.eventCode)
  put(event, 'action', draft.action)
  put(event, 'outcome', draft.outcome)
  put(event, 'provider', draft.provider)
  put(event, 'severity', draft.severity)
  const ecs: JsonObject = { '@timestamp': timestamp, event }
  put(ecs, 'message', draft.message)
  if (draft.hostName !== null || draft.hostIp !== null) {
    const host: JsonObject = {}
    put(host, 'name', draft.hostName)
    put(host, 'ip', draft.hostIp)
    ecs.host = host
  }
  if (draft.userName !== null || draft.userId !== null) {
    const user: JsonObject = {}
    put(user, 'name', draft.userName)
    put(user, 'domain', draft.userDomain)
    put(user, 'id', draft.userId)
    ecs.user = user
  }
  if (draft.userAgent !== null) ecs.user_agent = { original: draft.userAgent }
  const source = endpoint(draft.sourceIp, draft.sourcePort)
  if (source !== null) ecs.source = source
  const destination = endpoint(draft.destinationIp, draft.destinationPort)
  if (destination !== null) ecs.destination = destination
  if (draft.transport !== null) ecs.network = { transport: draft.transport }
  const process = processGroup(draft, processName)
  if (process !== null) ecs.process = process
  if (draft.filePath !== null || draft.fileName !== null) {
    const file: JsonObject = {}
    put(file, 'path', draft.filePath)
    put(file, 'name', draft.fileName ?? (draft.filePath ? baseName(draft.filePath) : null))
    ecs.file = file
  }
  if (draft.urlFull !== null || draft.urlDomain !== null || draft.urlPath !== null) {
    const url: JsonObject = {}
    put(url, 'full', draft.urlFull)
    put(url, 'domain', draft.urlDomain)
    put(url, 'path', draft.urlPath)
    ecs.url = url
  }
  if (draft.cloudProvider !== null || draft.cloudAccountId !== null || draft.cloudRegion !== null) {
    const cloud: JsonObject = {}
    put(cloud, 'provider', draft.cloudProvider)
    if (draft.cloudAccountId !== null) cloud.account = { id: draft.cloudAccountId }
    put(cloud, 'region', draft.cloudRegion)
    ecs.cloud = cloud
  }
  return ecs
}

/** A draft as the NormalisedEvent the store takes. */
export function buildEvent(draft: EventDraft, context: EventContext, originalJson?: string): NormalisedEvent {
  const timestamp = draft.timestamp ?? context.receivedAt
  const processName =
    draft.processName ?? (draft.processExecutable !== null ? baseName(draft.processExecutable) : null)
  const event: NormalisedEvent = {
    timestamp,
    receivedAt: context.receivedAt,
    source: context.source,
    dataset: draft.dataset,
    eventCode: draft.eventCode,
    hostName: draft.hostName,
    userName: draft.userName,
    sourceIp: draft.sourceIp,
    destinationIp: draft.destinationIp,
    processName,
    processCommandLine: draft.processCommandLine,
    ecs: buildEcs(draft, timestamp, context.receivedAt, processName),
    original: draft.original,
  }
  if (originalJson !== undefined) event.originalJson = originalJson
  return event
}
