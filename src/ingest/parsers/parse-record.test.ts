import { describe, expect, it } from 'vitest'
import { detectParser } from './detect-parser.js'
import { createRecordParser, parseRecord } from './parse-record.js'
import { isKnownParser, parserNames } from './registry.js'

const receivedAt = new Date('2024-03-02T10:00:00Z')
const base = { source: 'test', receivedAt }

function reason(outcome: ReturnType<typeof parseRecord>): string {
  if (!('error' in outcome)) throw new Error('expected an error')
  return outcome.error.reason
}

describe('parseRecord', () => {
  it('keeps a JSON line byte for byte as originalJson, and the parsed object as original', () => {
    const raw =
      '{"EventID":4624,"Channel":"Security","Computer":"dc1","TargetUserName":"bob","IpAddress":"10.0.0.5"}\r\n'
    const outcome = parseRecord({ ...base, raw })
    if ('error' in outcome) throw new Error(outcome.error.reason)
    const [event] = outcome.events
    expect(event?.originalJson).toBe(raw.trimEnd())
    expect(event?.original).toEqual(JSON.parse(raw))
    expect(event).toMatchObject({
      dataset: 'windows.security',
      eventCode: '4624',
      userName: 'bob',
      sourceIp: '10.0.0.5',
    })
    expect(event?.timestamp).toEqual(receivedAt)
  })

  it('yields one event per item of a JSON array and of a CloudTrail Records wrapper', () => {
    const records = [
      {
        eventVersion: '1.08',
        eventSource: 'iam.amazonaws.com',
        eventName: 'CreateUser',
        eventTime: '2024-01-01T00:00:00Z',
      },
      {
        eventVersion: '1.08',
        eventSource: 'sts.amazonaws.com',
        eventName: 'GetCallerIdentity',
        eventTime: '2024-01-01T00:00:01Z',
      },
    ]
    const wrapped = parseRecord({ ...base, raw: JSON.stringify({ Records: records }) })
    const array = parseRecord({ ...base, raw: JSON.stringify(records) })
    for (const outcome of [wrapped, array]) {
      if ('error' in outcome) throw new Error(outcome.error.reason)
      expect(outcome.events.map((event) => event.eventCode)).toEqual(['CreateUser', 'GetCallerIdentity'])
      expect(outcome.events.every((event) => event.originalJson === undefined)).toBe(true)
    }
  })

  it('gives one clear error per bad record, never a throw', () => {
    expect(reason(parseRecord({ ...base, raw: '{"EventID": 1,' }))).toMatch(/^invalid JSON/)
    expect(reason(parseRecord({ ...base, raw: '   ' }))).toBe('empty record')
    expect(reason(parseRecord({ ...base, raw: '[1, 2]' }))).toMatch(/must be an object/)
    expect(reason(parseRecord({ ...base, raw: '{"Records": 5}', parser: 'cloudtrail' }))).toMatch(/Records/)
    expect(reason(parseRecord({ ...base, raw: 'plain text', parser: 'okta' }))).toMatch(/reads JSON objects/)
    expect(reason(parseRecord({ ...base, raw: '{"a":1}', parser: 'nope' }))).toMatch(/unknown parser "nope"/)
    expect(reason(parseRecord({ ...base, raw: '{"a":1}', timezone: 'Mars/Olympus' }))).toMatch(
      /unknown time zone/,
    )
  })

  it('applies each limit with its own reason and the path of the field', () => {
    const parse = createRecordParser({
      limits: { maxLineBytes: 64, maxDepth: 3, maxFields: 5, maxFieldLength: 10 },
    })
    expect(reason(parse({ ...base, raw: `{"a":"${'é'.repeat(40)}"}` }))).toMatch(
      /bytes long, over the limit of 64/,
    )
    expect(reason(parse({ ...base, raw: '{"a":{"b":{"c":{"d":1}}}}' }))).toMatch(/deeper than the limit of 3/)
    expect(reason(parse({ ...base, raw: '{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6}' }))).toMatch(
      /more than 5 fields/,
    )
    const long = parse({ ...base, raw: '{"a":{"b":"0123456789ABC"}}' })
    expect('error' in long && long.error).toEqual({
      reason: 'field is 13 characters long, over the limit of 10',
      path: 'a.b',
    })
    expect(reason(parse({ ...base, raw: { deep: { er: { est: { x: 1 } } } } }))).toMatch(/deeper/)
    expect('events' in parse({ ...base, raw: '{"a":{"b":{"c":1}}}' })).toBe(true)
  })

  it('parses a text format shipped inside JSON as { "message": … }', () => {
    const outcome = parseRecord({
      ...base,
      parser: 'sshd',
      raw: { message: 'Mar  1 09:00:00 h sshd[1]: Invalid user x from 192.0.2.1 port 1', agent: 'filebeat' },
    })
    if ('error' in outcome) throw new Error(outcome.error.reason)
    expect(outcome.events[0]).toMatchObject({ userName: 'x', sourceIp: '192.0.2.1' })
    expect(outcome.events[0]?.original.agent).toBe('filebeat')
  })

  it('lists its parsers and detects the right one from content', () => {
    expect(parserNames()).toEqual(
      expect.arrayContaining([
        'auto',
        'json',
        'windows',
        'cloudtrail',
        'syslog',
        'cef',
        'leef',
        'kv',
        'auditd',
        'sshd',
        'vpcflow',
        'zeek',
        'suricata',
        'okta',
        'github_audit',
        'google_workspace',
        'kubernetes_audit',
        'gcp_audit',
        'guardduty',
      ]),
    )
    expect(isKnownParser('auto') && isKnownParser('windows') && !isKnownParser('nope')).toBe(true)
    const cases: Array<[string | Record<string, unknown>, string]> = [
      [{ EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational' }, 'windows'],
      [{ Event: { System: { EventID: 1 } } }, 'windows'],
      [{ winlog: { channel: 'Security' } }, 'windows'],
      [{ eventVersion: '1.08', eventSource: 's3.amazonaws.com', eventName: 'GetObject' }, 'cloudtrail'],
      [{ Records: [] }, 'cloudtrail'],
      [{ _path: 'conn', ts: 1 }, 'zeek'],
      [{ event_type: 'alert', src_ip: '1.2.3.4', flow_id: 1 }, 'suricata'],
      [{ eventType: 'user.session.start', published: '2024-01-01T00:00:00Z', actor: {} }, 'okta'],
      [{ protoPayload: { methodName: 'x' } }, 'gcp_audit'],
      [{ kind: 'Event', apiVersion: 'audit.k8s.io/v1' }, 'kubernetes_audit'],
      [{ id: { applicationName: 'login' } }, 'google_workspace'],
      [{ action: 'repo.create', actor: 'bob', org: 'acme' }, 'github_audit'],
      [{ 'detail-type': 'GuardDuty Finding', detail: {} }, 'guardduty'],
      [{ srcaddr: '1.2.3.4', dstaddr: '5.6.7.8' }, 'vpcflow'],
      [{ anything: 'else' }, 'json'],
      ['<13>Feb  1 08:00:00 h app: x', 'syslog'],
      ['Feb  1 08:00:00 h app: x', 'syslog'],
      ['CEF:0|a|b|c|d|e|1|', 'cef'],
      ['LEEF:1.0|a|b|c|d|', 'leef'],
      ['type=SYSCALL msg=audit(1.0:1): x=1', 'auditd'],
      ['2 123456789010 eni-1a2b 1.2.3.4 5.6.7.8 1 2 6 1 1 1 2 ACCEPT OK', 'vpcflow'],
      ['a=1 b=2', 'kv'],
      ['hello', 'text'],
    ]
    for (const [record, expected] of cases)
      expect(detectParser(record), JSON.stringify(record)).toBe(expected)
  })
})
