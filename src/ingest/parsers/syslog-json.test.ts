import { describe, expect, it } from 'vitest'
import { storedOriginalText } from '../../core/event.js'
import { parseRecords } from '../pipeline/parse-batch.js'
import { parseRecord } from './parse-record.js'

const receivedAt = new Date('2024-03-02T10:00:00Z')
const base = { source: 'test', receivedAt }

// NXLog's to_json() output for a process creation, as its om_tcp + to_syslog_ietf() sends it.
const WINDOWS_EVENT = {
  EventTime: '2024-03-02 09:58:01',
  Hostname: 'ws01.corp.local',
  EventID: 4688,
  Channel: 'Security',
  SubjectUserName: 'alice',
  NewProcessName: 'C:\\Windows\\System32\\cmd.exe',
  CommandLine: 'cmd.exe /c whoami',
}

function events(raw: string, parser?: string) {
  const outcome = parseRecord({ ...base, raw, ...(parser ? { parser } : {}) })
  if ('error' in outcome) throw new Error(outcome.error.reason)
  return outcome.events
}

describe('JSON carried in syslog', () => {
  it('reads a Windows event sent as an RFC 5424 message as the Windows event it is, header kept beside it', () => {
    const [event] = events(`<14>1 2024-03-02T09:58:02Z relay nxlog 812 - - ${JSON.stringify(WINDOWS_EVENT)}`)
    expect(event).toMatchObject({
      dataset: 'windows.security',
      eventCode: '4688',
      hostName: 'ws01.corp.local',
      processCommandLine: 'cmd.exe /c whoami',
    })
    expect(event!.original).toMatchObject({
      ...WINDOWS_EVENT,
      syslog: { format: 'rfc5424', hostname: 'relay', appname: 'nxlog', facility: 'user' },
    })
  })

  it('stores the payload as sent, with the header added, without serialising it again', () => {
    for (const payload of ['{ "EventID" : 4624,"Channel":"Security", "n":[1, 2] }  ', '{}', '{"a":1}']) {
      const [event] = events(`<14>1 2024-03-02T09:58:02Z relay nxlog - - - ${payload}`)
      expect(event!.originalJson!.startsWith(payload.trim().slice(0, -1)), event!.originalJson).toBe(true)
      expect(JSON.parse(event!.originalJson!)).toEqual(event!.original)
      expect(event!.original).toMatchObject({ ...JSON.parse(payload), syslog: { appname: 'nxlog' } })
    }
  })

  it('stores what the text path stores when the message came as bytes, as those bytes where it can', () => {
    const messages = [
      `<14>1 2024-03-02T09:58:02Z relay nxlog - - - ${JSON.stringify(WINDOWS_EVENT)}`,
      '<14>1 2024-03-02T09:58:02Z relay nxlog - - - { "EventID" : 4624, "n":[1, 2] }  ',
      '<14>1 2024-03-02T09:58:02Z relay app - - - \uFEFF{"message":"after a BOM"}',
      '<13>Mar  2 09:58:02 relay app[7]: @cee: {"msg":"cookie","syslog":{"facility":"daemon"}}',
      '<14>1 2024-03-02T09:58:02Z relay app - - - {}',
      '<14>1 2024-03-02T09:58:02Z relay app - - - {"user":"zoë"}',
      '<14>1 2024-03-02T09:58:02Z rélay app - - - {"user":"ascii"}',
    ]
    const request = (raw: (message: string) => string | Buffer) => ({
      records: messages.map((message) => ({ raw: raw(message) })),
      source: { name: 'test', parser: 'auto' },
      receivedAt,
    })
    const fromText = parseRecords(
      parseRecord,
      request((message) => message),
    )
    // Each message in memory of its own, as a chunk read from a socket (not Buffer's shared pool).
    const chunks = new Map(
      messages.map((message) => [message, Buffer.from(new TextEncoder().encode(message).buffer)]),
    )
    const fromBytes = parseRecords(
      parseRecord,
      request((message) => chunks.get(message)!),
    )
    const stored = (outcome: (typeof fromText)[number]) => {
      if (!('events' in outcome)) throw new Error(outcome.reason)
      return storedOriginalText(outcome.events[0]!)
    }
    expect(fromBytes.map(stored)).toEqual(fromText.map(stored))
    // Each ASCII message is stored as a view of its own bytes, and the header: nothing is copied.
    const received = fromBytes.map((outcome) => 'events' in outcome && outcome.events[0]!.originalBytes)
    expect(received.map((bytes) => bytes instanceof Uint8Array)).toEqual([
      true,
      true,
      false,
      true,
      true,
      false,
      false,
    ])
    received.forEach((bytes, index) => {
      if (bytes instanceof Uint8Array) expect(bytes.buffer).toBe(chunks.get(messages[index]!)!.buffer)
    })
  })

  it('keeps the header as _syslog when the payload has a syslog field of its own', () => {
    // Vector or Fluent Bit forwarding an event that was itself received over syslog.
    const payload = '{"message":"disk full","syslog":{"facility":"daemon"}}'
    const [event] = events(`<14>1 2024-03-02T09:58:02Z relay vector - - - ${payload}`)
    expect(event!.original).toEqual({
      message: 'disk full',
      syslog: { facility: 'daemon' },
      _syslog: expect.objectContaining({ hostname: 'relay', appname: 'vector', facility: 'user' }),
    })
    expect(JSON.parse(event!.originalJson!)).toEqual(event!.original)
  })

  it('reads a CEE-cookie JSON message, the header filling the host and time the payload lacks', () => {
    const [event] = events('<13>Mar  2 09:58:02 web01 app[42]: @cee: {"msg":"login failed","user":"bob"}')
    expect(event).toMatchObject({ dataset: 'json', hostName: 'web01', processName: 'app', userName: 'bob' })
    expect(event!.timestamp.getUTCHours()).toBe(9)
    expect(event!.original).toMatchObject({ msg: 'login failed', syslog: { appname: 'app' } })
  })

  it('keeps a message that only looks like JSON as a syslog line', () => {
    const line = '<13>1 2024-03-02T09:58:02Z host app - - - {not json at all}'
    const [event] = events(line)
    expect(event).toMatchObject({ dataset: 'syslog', original: { message: line } })
  })

  it('applies the JSON parser a source names to syslog-wrapped events, and says when a line carries none', () => {
    const [event] = events(
      `<14>1 2024-03-02T09:58:02Z relay nxlog - - - ${JSON.stringify(WINDOWS_EVENT)}`,
      'windows',
    )
    expect(event).toMatchObject({ dataset: 'windows.security', eventCode: '4688' })
    const outcome = parseRecord({
      ...base,
      parser: 'windows',
      raw: '<14>1 2024-03-02T09:58:02Z relay app - - - hello',
    })
    expect(outcome).toEqual({
      error: { reason: 'parser windows reads JSON objects; this syslog message carries none' },
    })
  })

  it('applies the record limits to the payload', () => {
    const deep = `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`
    const outcome = parseRecord({ ...base, raw: `<13>1 2024-03-02T09:58:02Z host app - - - ${deep}` })
    expect('error' in outcome && outcome.error.reason).toMatch(/nested deeper than the limit/)
  })
})
