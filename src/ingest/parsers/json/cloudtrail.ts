import { EventDraft } from '../../normalise/event-draft.js'
import { parseTimestamp } from '../../normalise/timestamp.js'
import { asIp, asObject, asText, type JsonObject, readPath } from '../../normalise/values.js'
import { failure, type ParseContext, type Parser, type ParserResult } from '../types.js'

/** The person or role behind a call: the IAM user, the assumed role's session issuer, or root. */
function cloudTrailUser(identity: JsonObject | null): string | null {
  if (identity === null) return null
  const userName = asText(identity.userName)
  if (userName !== null) return userName
  const issuer = asText(readPath(identity, 'sessionContext', 'sessionIssuer', 'userName'))
  if (issuer !== null) return issuer
  if (identity.type === 'Root') return 'root'
  const arn = asText(identity.arn)
  if (arn !== null) return arn.slice(arn.lastIndexOf('/') + 1)
  return asText(identity.principalId)
}

export function cloudTrailDraft(record: JsonObject, context: ParseContext): EventDraft {
  const draft = new EventDraft('aws.cloudtrail', record)
  const eventName = asText(record.eventName)
  draft.eventCode = eventName
  draft.action = eventName
  draft.provider = asText(record.eventSource)
  draft.timestamp = parseTimestamp(record.eventTime, 'UTC', context.receivedAt)
  const identity = asObject(record.userIdentity)
  draft.userName = cloudTrailUser(identity)
  draft.userId = identity === null ? null : asText(identity.arn)
  draft.sourceIp = asIp(record.sourceIPAddress)
  draft.userAgent = asText(record.userAgent)
  draft.cloudProvider = 'aws'
  draft.cloudRegion = asText(record.awsRegion)
  draft.cloudAccountId = asText(record.recipientAccountId) ?? (identity && asText(identity.accountId))
  if (eventName !== null) {
    const failed =
      record.errorCode !== undefined || readPath(record, 'responseElements', eventName) === 'Failure'
    draft.outcome = failed ? 'failure' : 'success'
  }
  return draft
}

export const cloudTrailParser: Parser = {
  name: 'cloudtrail',
  summary: 'AWS CloudTrail: one record, or the { "Records": [...] } file shape (one event per record)',
  parseObject(record, context): ParserResult {
    const records = record.Records
    if (records === undefined) return cloudTrailDraft(record, context)
    if (!Array.isArray(records)) return failure('"Records" must be an array of CloudTrail records', 'Records')
    const drafts: EventDraft[] = []
    for (let index = 0; index < records.length; index++) {
      const item = asObject(records[index])
      if (item === null) return failure('every CloudTrail record must be a JSON object', `Records[${index}]`)
      drafts.push(cloudTrailDraft(item, context))
    }
    return drafts
  },
}
