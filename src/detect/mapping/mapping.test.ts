import { describe, expect, it } from 'vitest'
import { compileRule, createDetector, mergeMappingConfig, parseRuleFile } from '../sigma/index.js'

function rules(...texts: string[]) {
  return texts.map((text, index) => {
    const { documents, errors } = parseRuleFile(text, `rule${index}.yml`)
    if (errors[0] !== undefined) throw errors[0]
    const document = documents[0]
    if (document?.kind !== 'rule') throw new Error('expected a rule')
    return compileRule(document)
  })
}

const processCreation = `title: Whoami
id: 10000000-0000-4000-8000-000000000001
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    Image|endswith: '\\whoami.exe'
    CommandLine|contains: '/all'
  condition: selection
`
const securityLogon = `title: Logon
id: 10000000-0000-4000-8000-000000000002
logsource:
  product: windows
  service: security
detection:
  selection:
    EventID: 4624
    SourceName: 'Real-Time'
  condition: selection
`
const registryAdd = `title: Key created
id: 10000000-0000-4000-8000-000000000003
logsource:
  product: windows
  category: registry_add
detection:
  selection:
    TargetObject|contains: '\\Run'
  condition: selection
`
const cloudtrail = `title: Root console login
id: 10000000-0000-4000-8000-000000000004
logsource:
  product: aws
  service: cloudtrail
detection:
  selection:
    eventName: ConsoleLogin
    userIdentity.type: Root
  condition: selection
`
const linux = `title: Linux shell
id: 10000000-0000-4000-8000-000000000005
logsource:
  product: linux
  category: process_creation
detection:
  selection:
    Image|endswith: '/bash'
  condition: selection
`

const detector = createDetector(rules(processCreation, securityLogon, registryAdd, cloudtrail, linux))
const ids = (event: Record<string, unknown>) => detector.match(event).map((match) => match.title)

const SYSMON = 'Microsoft-Windows-Sysmon/Operational'

describe('event shapes', () => {
  it('reads evtx_dump JSON (System, EventData, #attributes, #text)', () => {
    const event = {
      Event: {
        '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
        System: {
          Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } },
          EventID: { '#attributes': { Qualifiers: 0 }, '#text': 1 },
          Channel: SYSMON,
        },
        EventData: { Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami /all' },
      },
    }
    expect(ids(event)).toEqual(['Whoami'])
    expect(detector.fieldValue(event, 'Provider_Name')).toBe('Microsoft-Windows-Sysmon')
  })

  it('reads flat agent JSON (OTRF)', () => {
    expect(
      ids({ Channel: SYSMON, EventID: 1, Image: 'C:\\x\\whoami.exe', CommandLine: 'whoami /all' }),
    ).toEqual(['Whoami'])
    expect(ids({ Channel: SYSMON, EventID: 1, Image: 'C:\\x\\whoami.exe', CommandLine: 'whoami' })).toEqual(
      [],
    )
  })

  it('reads ECS events from Winlogbeat', () => {
    const event = {
      winlog: { channel: SYSMON, event_id: '1', event_data: { IntegrityLevel: 'High' } },
      process: { executable: 'C:\\Windows\\System32\\whoami.exe', command_line: 'whoami.exe /all' },
    }
    expect(ids(event)).toEqual(['Whoami'])
  })

  it('reads nested cloud JSON by dotted path', () => {
    const event = {
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      awsRegion: 'us-east-1',
      userIdentity: { type: 'Root' },
    }
    expect(ids(event)).toEqual(['Root console login'])
    expect(ids({ ...event, userIdentity: { type: 'IAMUser' } })).toEqual([])
  })

  it('reads field names with spaces stripped ("Source Name" as SourceName)', () => {
    const event = {
      Event: { System: { EventID: 4624, Channel: 'Security' }, EventData: { 'Source Name': 'Real-Time' } },
    }
    expect(ids(event)).toEqual(['Logon'])
  })
})

describe('log-source routing', () => {
  it('routes process_creation to Sysmon EventID 1 and Security 4688 with its field mapping', () => {
    const security = {
      Channel: 'Security',
      EventID: 4688,
      NewProcessName: 'C:\\x\\whoami.exe',
      CommandLine: 'whoami /all',
    }
    expect(ids(security)).toEqual(['Whoami'])
    const [match] = detector.match(security)
    expect(match!.matchedFields).toEqual({ Image: 'C:\\x\\whoami.exe', CommandLine: 'whoami /all' })
  })

  it('does not run rules on events of another log source', () => {
    expect(
      ids({ Channel: SYSMON, EventID: 3, Image: 'C:\\x\\whoami.exe', CommandLine: 'whoami /all' }),
    ).toEqual([])
    expect(ids({ Channel: 'System', EventID: 4624, SourceName: 'Real-Time' })).toEqual([])
  })

  it('splits registry events by EventType', () => {
    const base = {
      Channel: SYSMON,
      EventID: 12,
      TargetObject: 'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\x',
    }
    expect(ids({ ...base, EventType: 'CreateKey' })).toEqual(['Key created'])
    expect(ids({ ...base, EventType: 'DeleteKey' })).toEqual([])
  })

  it('runs a rule for every Windows event once beside the registry split, on either side of it', () => {
    const anyWindows = `title: Mimikatz keyword
id: 10000000-0000-4000-8000-000000000006
logsource:
  product: windows
detection:
  keywords:
    - 'sekurlsa::'
  condition: keywords
`
    const both = createDetector(rules(registryAdd, anyWindows))
    const titles = (event: Record<string, unknown>) => both.match(event).map((match) => match.title)
    const base = {
      Channel: SYSMON,
      EventID: 12,
      TargetObject: 'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\sekurlsa::x',
    }
    expect(titles({ ...base, EventType: 'CreateKey' }).sort()).toEqual(['Key created', 'Mimikatz keyword'])
    expect(titles({ ...base, EventType: 'DeleteKey' })).toEqual(['Mimikatz keyword'])
    expect(titles({ ...base, EventType: 'SetValue' })).toEqual(['Mimikatz keyword'])
  })

  it('leaves rules of unmapped log sources out unless the caller names the source', () => {
    expect(detector.unmappedRules.map((rule) => rule.title)).toEqual(['Linux shell'])
    expect(ids({ Image: '/usr/bin/bash' })).toEqual([])
    const matches = detector.match(
      { Image: '/usr/bin/bash' },
      { product: 'linux', category: 'process_creation' },
    )
    expect(matches.map((match) => match.title)).toEqual(['Linux shell'])
  })

  it('takes extra log sources from configuration', () => {
    const config = mergeMappingConfig({
      logsources: [
        {
          name: 'linux/auditd-exec',
          logsource: { product: 'linux', category: 'process_creation' },
          conditions: [{ field: 'type', values: ['EXECVE'] }],
        },
      ],
    })
    const configured = createDetector(rules(linux), config)
    expect(configured.match({ type: 'EXECVE', Image: '/bin/bash' })).toHaveLength(1)
    expect(configured.match({ type: 'PATH', Image: '/bin/bash' })).toHaveLength(0)
  })

  it('reports the matched fields and the event time', () => {
    const [match] = detector.match({
      '@timestamp': '2024-05-01T10:00:00Z',
      Channel: SYSMON,
      EventID: 1,
      Image: 'C:\\x\\whoami.exe',
      CommandLine: 'whoami /all',
    })
    expect(match).toMatchObject({
      ruleId: '10000000-0000-4000-8000-000000000001',
      title: 'Whoami',
      matchedFields: { Image: 'C:\\x\\whoami.exe', CommandLine: 'whoami /all' },
      timestamp: new Date('2024-05-01T10:00:00Z'),
    })
  })
})
