import type { JsonObject } from './values.js'

/**
 * What a parser fills in for one event, by ECS meaning. Every field starts null; `buildEvent`
 * turns the draft into a NormalisedEvent and its nested `ecs` object. A class (not an object
 * literal per parser) keeps one hidden class on the hot path.
 */
export class EventDraft {
  /** ECS `@timestamp`: the time in the event; null falls back to the received time. */
  timestamp: Date | null = null
  /** ECS `event.code`: Windows EventID, CloudTrail eventName, auditd record type … */
  eventCode: string | null = null
  /** ECS `event.action`. */
  action: string | null = null
  /** ECS `event.outcome`: success, failure or unknown. */
  outcome: 'success' | 'failure' | 'unknown' | null = null
  /** ECS `event.provider`, e.g. the Windows provider or the AWS service. */
  provider: string | null = null
  /** ECS `event.severity`. */
  severity: number | null = null
  /** ECS `message`. */
  message: string | null = null

  hostName: string | null = null
  hostIp: string | null = null
  userName: string | null = null
  userDomain: string | null = null
  userId: string | null = null
  userAgent: string | null = null

  sourceIp: string | null = null
  sourcePort: number | null = null
  destinationIp: string | null = null
  destinationPort: number | null = null
  /** ECS `network.transport` (tcp, udp, icmp …). */
  transport: string | null = null

  processName: string | null = null
  processExecutable: string | null = null
  processCommandLine: string | null = null
  processPid: number | null = null
  parentName: string | null = null
  parentExecutable: string | null = null
  parentCommandLine: string | null = null
  parentPid: number | null = null

  filePath: string | null = null
  fileName: string | null = null

  urlFull: string | null = null
  urlDomain: string | null = null
  urlPath: string | null = null

  cloudProvider: string | null = null
  cloudAccountId: string | null = null
  cloudRegion: string | null = null

  constructor(
    /** ECS `event.dataset`: a stable name per log type (`windows.security`, `aws.cloudtrail` …). */
    public dataset: string,
    /** The event as received (for text lines: `{ message }` plus the parsed fields). */
    public original: JsonObject,
  ) {}
}
