import { describe, expect, it } from 'vitest'
import type { NormalisedEvent } from '../../../core/event.js'
import { parseRecord } from '../parse-record.js'

const receivedAt = new Date('2030-01-01T00:00:00Z')

function parseObject(raw: Record<string, unknown>, parser?: string, timezone?: string): NormalisedEvent {
  const outcome = parseRecord({ raw, source: 'test', parser, receivedAt, timezone })
  if ('error' in outcome) throw new Error(outcome.error.reason)
  expect(outcome.events).toHaveLength(1)
  return outcome.events[0]!
}

describe('Windows events in their three shapes', () => {
  const sysmonProcess = {
    UtcTime: '2020-06-10 02:50:54.631',
    Image: 'C:\\Windows\\System32\\cmd.exe',
    CommandLine: 'cmd.exe /c whoami',
    ProcessId: '6196',
    ParentImage: 'C:\\Windows\\explorer.exe',
    ParentProcessId: '4000',
    ParentCommandLine: 'explorer.exe',
    User: 'CORP\\alice',
  }
  const expected = {
    dataset: 'windows.sysmon_operational',
    eventCode: '1',
    hostName: 'ws1.corp',
    userName: 'alice',
    processName: 'cmd.exe',
    processCommandLine: 'cmd.exe /c whoami',
  }

  it('flat agent JSON (NXLog, OTRF); a zone-less EventTime is read in the source zone', () => {
    const event = parseObject({
      EventID: 1,
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      Hostname: 'ws1.corp',
      ...sysmonProcess,
    })
    expect(event).toMatchObject(expected)
    expect(event.timestamp.toISOString()).toBe('2020-06-10T02:50:54.631Z')
    expect(event.ecs.process).toEqual({
      name: 'cmd.exe',
      executable: 'C:\\Windows\\System32\\cmd.exe',
      command_line: 'cmd.exe /c whoami',
      pid: 6196,
      parent: {
        name: 'explorer.exe',
        executable: 'C:\\Windows\\explorer.exe',
        command_line: 'explorer.exe',
        pid: 4000,
      },
    })
    expect(event.ecs.user).toEqual({ name: 'alice', domain: 'CORP' })
    const local = parseObject(
      { EventID: 4624, Channel: 'Security', Hostname: 'dc1', EventTime: '2020-06-09 22:50:54' },
      'windows',
      'America/New_York',
    )
    expect(local.timestamp.toISOString()).toBe('2020-06-10T02:50:54.000Z')
  })

  it('evtx_dump JSON with #attributes and #text', () => {
    const event = parseObject({
      Event: {
        '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
        System: {
          Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } },
          EventID: 1,
          Channel: 'Microsoft-Windows-Sysmon/Operational',
          Computer: 'ws1.corp',
          TimeCreated: { '#attributes': { SystemTime: '2020-06-10T02:50:54.700Z' } },
          Security: { '#attributes': { UserID: 'S-1-5-18' } },
        },
        EventData: sysmonProcess,
      },
    })
    expect(event).toMatchObject(expected)
    expect(event.ecs.event).toMatchObject({ provider: 'Microsoft-Windows-Sysmon' })
    expect(event.timestamp.toISOString()).toBe('2020-06-10T02:50:54.700Z')
  })

  it('Winlogbeat (ECS), with Security 4688 hex process ids', () => {
    const event = parseObject({
      '@timestamp': '2024-01-01T00:00:00.000Z',
      host: { name: 'ws1.corp' },
      winlog: {
        channel: 'Security',
        event_id: '4688',
        computer_name: 'ws1.corp',
        event_data: {
          NewProcessName: 'C:\\Windows\\System32\\net.exe',
          NewProcessId: '0x1a2b',
          ProcessId: '0x10',
          CommandLine: 'net user',
          SubjectUserName: 'bob',
          SubjectDomainName: 'CORP',
        },
      },
    })
    expect(event).toMatchObject({
      dataset: 'windows.security',
      eventCode: '4688',
      userName: 'bob',
      processName: 'net.exe',
    })
    expect(event.ecs.process).toMatchObject({ pid: 0x1a2b, parent: { pid: 0x10 } })
  })
})

describe('cloud and SaaS audit logs', () => {
  it('CloudTrail: caller, address (a service name is not an address), outcome', () => {
    const event = parseObject({
      eventVersion: '1.08',
      eventTime: '2024-02-01T10:00:00Z',
      eventSource: 'iam.amazonaws.com',
      eventName: 'CreateAccessKey',
      awsRegion: 'us-east-1',
      sourceIPAddress: '198.51.100.7',
      userIdentity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice',
        sessionContext: { sessionIssuer: { userName: 'Admin' } },
      },
      errorCode: 'AccessDenied',
      recipientAccountId: '111122223333',
    })
    expect(event).toMatchObject({
      dataset: 'aws.cloudtrail',
      eventCode: 'CreateAccessKey',
      userName: 'Admin',
      sourceIp: '198.51.100.7',
    })
    expect(event.ecs.event).toMatchObject({ outcome: 'failure', provider: 'iam.amazonaws.com' })
    expect(event.ecs.cloud).toEqual({ provider: 'aws', account: { id: '111122223333' }, region: 'us-east-1' })
    const service = parseObject({
      eventVersion: '1.08',
      eventSource: 'ec2.amazonaws.com',
      eventName: 'RunInstances',
      sourceIPAddress: 'autoscaling.amazonaws.com',
    })
    expect(service.sourceIp).toBeNull()
  })

  it('Okta, GitHub, Google Workspace, GCP, Kubernetes and GuardDuty', () => {
    expect(
      parseObject({
        uuid: 'u',
        published: '2024-01-01T00:00:00.000Z',
        eventType: 'user.session.start',
        actor: { alternateId: 'ann@example.com' },
        client: { ipAddress: '192.0.2.8' },
        outcome: { result: 'FAILURE' },
      }),
    ).toMatchObject({
      dataset: 'okta.system',
      eventCode: 'user.session.start',
      userName: 'ann@example.com',
      sourceIp: '192.0.2.8',
    })
    const github = parseObject({
      action: 'repo.destroy',
      actor: 'octocat',
      org: 'acme',
      '@timestamp': 1621305118553,
      actor_ip: '192.0.2.9',
    })
    expect(github).toMatchObject({
      dataset: 'github.audit',
      eventCode: 'repo.destroy',
      userName: 'octocat',
      sourceIp: '192.0.2.9',
    })
    expect(github.timestamp.toISOString()).toBe('2021-05-18T02:31:58.553Z')
    expect(
      parseObject({
        kind: 'admin#reports#activity',
        id: { applicationName: 'login', time: '2024-01-01T00:00:00Z' },
        actor: { email: 'a@x.com' },
        ipAddress: '192.0.2.1',
        events: [{ name: 'login_failure' }],
      }),
    ).toMatchObject({ dataset: 'google_workspace.login', eventCode: 'login_failure', userName: 'a@x.com' })
    expect(
      parseObject({
        protoPayload: {
          '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
          methodName: 'SetIamPolicy',
          authenticationInfo: { principalEmail: 'p@x.com' },
          requestMetadata: { callerIp: '192.0.2.2' },
        },
        timestamp: '2024-01-01T00:00:00Z',
      }),
    ).toMatchObject({
      dataset: 'gcp.audit',
      eventCode: 'SetIamPolicy',
      userName: 'p@x.com',
      sourceIp: '192.0.2.2',
    })
    expect(
      parseObject({
        kind: 'Event',
        apiVersion: 'audit.k8s.io/v1',
        verb: 'create',
        user: { username: 'system:admin' },
        sourceIPs: ['192.0.2.3'],
        objectRef: { resource: 'pods' },
        stageTimestamp: '2024-01-01T00:00:00Z',
      }),
    ).toMatchObject({
      dataset: 'kubernetes.audit',
      eventCode: 'create',
      userName: 'system:admin',
      sourceIp: '192.0.2.3',
    })
    expect(
      parseObject({
        schemaVersion: '2.0',
        type: 'Recon:EC2/PortProbeUnprotectedPort',
        severity: 2,
        service: { action: { networkConnectionAction: { remoteIpDetails: { ipAddressV4: '203.0.113.9' } } } },
        updatedAt: '2024-01-01T00:00:00Z',
      }),
    ).toMatchObject({
      dataset: 'aws.guardduty',
      eventCode: 'Recon:EC2/PortProbeUnprotectedPort',
      sourceIp: '203.0.113.9',
    })
  })
})

describe('network logs and generic JSON', () => {
  it('Zeek and Suricata', () => {
    const conn = parseObject({
      ts: 1692161668.553848,
      uid: 'C1',
      'id.orig_h': '10.0.0.1',
      'id.orig_p': 5000,
      'id.resp_h': '10.0.0.2',
      'id.resp_p': 53,
      proto: 'udp',
      conn_state: 'SF',
    })
    expect(conn).toMatchObject({ dataset: 'zeek.conn', sourceIp: '10.0.0.1', destinationIp: '10.0.0.2' })
    const alert = parseObject({
      timestamp: '2024-01-01T00:00:00.000000+0000',
      flow_id: 1,
      event_type: 'alert',
      src_ip: '10.0.0.3',
      dest_ip: '10.0.0.4',
      proto: 'TCP',
      alert: { signature_id: 2100498, signature: 'GPL ATTACK_RESPONSE id check returned root' },
    })
    expect(alert).toMatchObject({ dataset: 'suricata.eve', eventCode: '2100498', sourceIp: '10.0.0.3' })
    expect(alert.ecs.message).toBe('GPL ATTACK_RESPONSE id check returned root')
  })

  it('any JSON: time, user, address and host from well-known names, nested or flat', () => {
    const event = parseObject({
      created_at: '2024-05-05T05:05:05Z',
      actor: { email: 'eve@example.com' },
      context: { ip_address: '192.0.2.77' },
      action: 'file.download',
      hostname: 'app-1',
    })
    expect(event).toMatchObject({
      dataset: 'json',
      userName: 'eve@example.com',
      sourceIp: '192.0.2.77',
      hostName: 'app-1',
      eventCode: 'file.download',
    })
    expect(event.timestamp.toISOString()).toBe('2024-05-05T05:05:05.000Z')
    expect(parseObject({ p_log_type: 'Zoom.Activity', time: '2024-01-01 00:00:00' }).dataset).toBe(
      'zoom.activity',
    )
  })
})
