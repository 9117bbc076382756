import { describe, expect, it } from 'vitest'
import { correlationRun, securityEvent } from './correlation-harness.test-support.js'

// The rules follow the examples of SigmaHQ's correlation rules specification
// (specification/sigma-correlation-rules-specification.md), with base rules written out.
const FAILED_LOGIN = `title: Single failed login
id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
name: failed_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID:
            - 529
            - 4625
    condition: selection
`
const SUCCESSFUL_LOGIN = `title: Successful login
id: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8
name: successful_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID:
            - 528
            - 4624
    condition: selection
`

const failed = (minute: number, fields: Record<string, unknown>) =>
  securityEvent(minute, { EventID: 4625, ...fields })

describe('event_count', () => {
  const yaml = `title: Many failed logins
id: 0e95725d-7320-415d-80f7-004da920fc11
correlation:
    type: event_count
    rules:
        - 53ba33fd-3a50-4468-a5ef-c583635cfa92
    group-by:
        - ComputerName
    timespan: 1h
    condition:
        gte: 100
level: high
---
${FAILED_LOGIN}`

  it('fires once 100 failed logins reach one host within an hour, per host', () => {
    const run = correlationRun(yaml)
    const events = [
      ...Array.from({ length: 99 }, (_, index) => failed(index * 0.5, { ComputerName: 'dc1' })),
      ...Array.from({ length: 150 }, (_, index) => failed(index * 0.1, { ComputerName: 'dc2' })),
    ]
    const first = run.feed(events)
    expect(first.base).toEqual([])
    expect(first.correlations.map((hit) => [hit.group, hit.value])).toEqual([[{ ComputerName: 'dc2' }, 100]])
    expect(run.feed([failed(55, { ComputerName: 'dc1' })]).correlations).toHaveLength(1)
  })

  it('forgets failed logins older than the timespan (sliding window)', () => {
    const run = correlationRun(yaml)
    const spread = Array.from({ length: 120 }, (_, index) => failed(index, { ComputerName: 'dc1' }))
    expect(run.feed(spread).correlations).toEqual([])
  })
})

describe('value_count', () => {
  const yaml = `title: Failed login
id: 0e95725d-7320-415d-80f7-004da920fc12
correlation:
    type: value_count
    rules:
        - 53ba33fd-3a50-4468-a5ef-c583635cfa92
    group-by:
        - ComputerName
        - WorkstationName
    timespan: 1d
    condition:
        field: User
        gte: 100
---
${FAILED_LOGIN}`

  it('counts distinct users per source and destination, not events', () => {
    const run = correlationRun(yaml)
    const sameUser = Array.from({ length: 300 }, (_, index) =>
      failed(index, { ComputerName: 'dc1', WorkstationName: 'ws1', User: 'alice' }),
    )
    expect(run.feed(sameUser).correlations).toEqual([])
    const spray = Array.from({ length: 100 }, (_, index) =>
      failed(400 + index, { ComputerName: 'dc1', WorkstationName: 'ws2', User: `user${index}` }),
    )
    const { correlations } = run.feed(spray)
    expect(correlations).toHaveLength(1)
    expect(correlations[0]).toMatchObject({
      group: { ComputerName: 'dc1', WorkstationName: 'ws2' },
      value: 100,
      count: 100,
    })
  })
})

describe('temporal', () => {
  const recon = (name: string, command: string) => `title: Recon ${name}
name: ${name}
logsource:
    product: windows
    service: security
detection:
    selection:
        CommandLine: ${command}
    condition: selection
`
  const yaml = `title: Reconnaissance commands
id: 7a1c4a2e-8f0a-4c38-9a43-1d8f6c0a5b01
correlation:
    type: temporal
    rules:
        - recon_cmd_a
        - recon_cmd_b
        - recon_cmd_c
    group-by:
        - ComputerName
        - User
    timespan: 5m
---
${recon('recon_cmd_a', 'whoami')}---
${recon('recon_cmd_b', 'ipconfig')}---
${recon('recon_cmd_c', 'net user')}`
  const command = (minute: number, line: string, user = 'bob') =>
    securityEvent(minute, { CommandLine: line, ComputerName: 'ws1', User: user })

  it('fires when all three commands run by one user on one host within 5 minutes, in any order', () => {
    const run = correlationRun(yaml)
    expect(
      run.feed([command(0, 'net user'), command(1, 'whoami'), command(1, 'ipconfig', 'eve')]).correlations,
    ).toEqual([])
    const { correlations } = run.feed([command(2, 'ipconfig')])
    expect(correlations.map((hit) => [hit.group, hit.refs])).toEqual([
      [{ ComputerName: 'ws1', User: 'bob' }, [1, 2, 4]],
    ])
  })

  it('does not fire when the commands are further apart than the timespan', () => {
    const run = correlationRun(yaml)
    expect(
      run.feed([command(0, 'whoami'), command(3, 'ipconfig'), command(6, 'net user')]).correlations,
    ).toEqual([])
  })

  it('groups through aliases: the same address in different fields of different events', () => {
    const aliased = `title: Internal error then connection back
id: 3f0c1d2e-5b6a-4c7d-8e9f-0a1b2c3d4e5f
correlation:
    type: temporal
    rules:
        - internal_error
        - new_network_connection
    group-by:
        - internal_ip
        - remote_ip
    timespan: 10s
    aliases:
        internal_ip:
            internal_error: destination.ip
            new_network_connection: source.ip
        remote_ip:
            internal_error: source.ip
            new_network_connection: destination.ip
---
title: Internal error
name: internal_error
logsource:
    product: windows
    service: security
detection:
    selection:
        http.response.status_code: 500
    condition: selection
---
title: New network connection
name: new_network_connection
logsource:
    product: windows
    service: security
detection:
    selection:
        event.category: network
        event.outcome: success
    condition: selection
`
    const run = correlationRun(aliased)
    const error = securityEvent(0, {
      'http.response.status_code': 500,
      'source.ip': '203.0.113.9',
      'destination.ip': '10.0.0.5',
    })
    const connection = (from: string) =>
      securityEvent(0.1, {
        'event.category': 'network',
        'event.outcome': 'success',
        'source.ip': from,
        'destination.ip': '203.0.113.9',
      })
    expect(run.feed([error, connection('10.0.0.6')]).correlations).toEqual([])
    const { correlations } = run.feed([connection('10.0.0.5')])
    expect(correlations.map((hit) => hit.group)).toEqual([
      { internal_ip: '10.0.0.5', remote_ip: '203.0.113.9' },
    ])
  })
})

describe('temporal_ordered, chained to an event_count correlation', () => {
  // The specification's complete example: "Failed Logins Followed by Successful Login".
  const yaml = `title: Correlation - Multiple Failed Logins Followed by Successful Login
id: b180ead8-d58f-40b2-ae54-c8940995b9b6
status: experimental
correlation:
    type: temporal_ordered
    rules:
        - multiple_failed_login
        - successful_login
    group-by:
        - User
    timespan: 10m
level: high
---
title: Multiple failed logons
id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
name: multiple_failed_login
correlation:
    type: event_count
    rules:
        - failed_login
    group-by:
        - User
    timespan: 10m
    condition:
        gte: 10
---
${FAILED_LOGIN}---
${SUCCESSFUL_LOGIN}`
  const tries = (user: string, from: number) =>
    Array.from({ length: 10 }, (_, index) => failed(from + index * 0.2, { User: user }))
  const success = (minute: number, user: string) => securityEvent(minute, { EventID: 4624, User: user })

  it('fires when ten failures are followed by a success of the same user', () => {
    const run = correlationRun(yaml)
    const { base, correlations } = run.feed([...tries('alice', 0), success(3, 'alice')])
    expect(base).toEqual([])
    expect(correlations.map((hit) => [hit.ruleId, hit.group, hit.level])).toEqual([
      ['b180ead8-d58f-40b2-ae54-c8940995b9b6', { User: 'alice' }, 'high'],
    ])
  })

  it('does not fire when the success comes first or belongs to someone else', () => {
    const run = correlationRun(yaml)
    expect(run.feed([success(0, 'bob'), ...tries('bob', 1), success(4, 'carol')]).correlations).toEqual([])
  })
})

describe('generate', () => {
  it('reports the referenced rules themselves only with generate: true', () => {
    const yaml = (generate: boolean) => `title: Two failed logins
id: 1b2c3d4e-0000-4000-8000-000000000001
correlation:
    type: event_count
    rules: [failed_login]
    group-by: [User]
    timespan: 1m
    generate: ${generate}
    condition: { gte: 2 }
---
${FAILED_LOGIN}`
    const events = [failed(0, { User: 'a' }), failed(0.5, { User: 'a' })]
    expect(correlationRun(yaml(false)).feed(events).base).toEqual([])
    const generated = correlationRun(yaml(true)).feed(events)
    expect(generated.base).toEqual(['failed_login', 'failed_login'])
    expect(generated.correlations).toHaveLength(1)
  })
})

const transferRule = `title: Large outbound transfer
name: transfer
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID: 5156
    condition: selection
`
const transfer = (minute: number, bytes: number, host = 'ws1') =>
  securityEvent(minute, { EventID: 5156, ComputerName: host, Bytes: bytes })
const metric = (type: string, condition: string) => `title: Transfer volume
id: 6d5c4b3a-0000-4000-8000-00000000000${type.length}
correlation:
    type: ${type}
    rules: [transfer]
    group-by: [ComputerName]
    timespan: 1h
    condition:
        field: Bytes
        ${condition}
---
${transferRule}`

describe('value_sum, value_avg, value_percentile, value_median', () => {
  it('value_sum: fires when the bytes sent by one host in an hour exceed the threshold', () => {
    const run = correlationRun(metric('value_sum', 'gt: 1000'))
    const { correlations } = run.feed([
      transfer(0, 400),
      transfer(1, 400, 'ws2'),
      transfer(2, 500),
      transfer(3, 200),
    ])
    expect(correlations.map((hit) => [hit.group, hit.value])).toEqual([[{ ComputerName: 'ws1' }, 1100]])
  })

  it('value_avg: fires on the average, not the total', () => {
    const run = correlationRun(metric('value_avg', 'gte: 300'))
    expect(run.feed([transfer(0, 100), transfer(1, 200)]).correlations).toEqual([])
    expect(run.feed([transfer(2, 700)]).correlations.map((hit) => hit.value)).toEqual([1000 / 3])
  })

  it('value_percentile: compares the given percentile of the values', () => {
    const run = correlationRun(metric('value_percentile', 'percentile: 90\n        gt: 500'))
    const small = Array.from({ length: 9 }, (_, index) => transfer(index, 100))
    expect(run.feed(small).correlations).toEqual([])
    const { correlations } = run.feed([transfer(10, 5000)])
    expect(correlations).toHaveLength(1)
    expect(correlations[0]!.value).toBeCloseTo(590)
  })

  it('value_median: fires when the middle value crosses the threshold, judged when the window ends', () => {
    const run = correlationRun(metric('value_median', 'lt: 50'))
    expect(run.feed([transfer(0, 10), transfer(1, 20), transfer(2, 9000)]).correlations).toEqual([])
    // A later event of the same host after the hour closes the window.
    const { correlations } = run.feed([transfer(61, 10)])
    expect(correlations.map((hit) => [hit.value, hit.windowEnd.toISOString()])).toEqual([
      [20, '2024-05-01T11:00:00.000Z'],
    ])
    expect(run.flush().map((hit) => hit.value)).toEqual([10])
  })
})

describe('bounded state', () => {
  const yaml = `title: Three failures per user
id: 2c3d4e5f-0000-4000-8000-000000000002
correlation:
    type: event_count
    rules: [failed_login]
    group-by: [User]
    timespan: 1h
    condition: { gte: 3 }
---
${FAILED_LOGIN}`

  it('evicts the least recently touched group first and counts it', () => {
    const run = correlationRun(yaml, { maxGroupsPerRule: 2 })
    run.feed([
      failed(0, { User: 'a' }),
      failed(1, { User: 'a' }),
      failed(2, { User: 'b' }),
      failed(3, { User: 'a' }),
    ])
    // a fired and its window was cleared; b and the new c remain, so d evicts b.
    run.feed([failed(4, { User: 'b' }), failed(5, { User: 'c' }), failed(6, { User: 'd' })])
    expect(run.correlator.evictions).toEqual({ groups: 1, values: 0 })
    expect(Object.values(run.correlator.snapshot().rules)[0]!.map((group) => group.group)).toEqual([
      { User: 'c' },
      { User: 'd' },
    ])
    expect(run.feed([failed(7, { User: 'b' }), failed(8, { User: 'b' })]).correlations).toEqual([])
  })

  it('keeps at most maxValuesPerGroup entries per group, dropping the oldest', () => {
    const run = correlationRun(yaml.replace('gte: 3', 'gte: 5'), { maxValuesPerGroup: 4 })
    const { correlations } = run.feed(Array.from({ length: 10 }, (_, index) => failed(index, { User: 'a' })))
    expect(correlations).toEqual([])
    expect(run.correlator.evictions).toEqual({ groups: 0, values: 6 })
  })
})

describe('snapshot and restore', () => {
  const yaml = `title: Five failures per user
id: 3d4e5f6a-0000-4000-8000-000000000003
correlation:
    type: event_count
    rules: [failed_login]
    group-by: [User]
    timespan: 10m
    condition: { gte: 5 }
---
${FAILED_LOGIN}`

  it('a restarted correlator keeps the open windows through a JSON round trip', () => {
    const before = correlationRun(yaml)
    before.feed([0, 1, 2].map((minute) => failed(minute, { User: 'a' })))
    const saved = JSON.parse(JSON.stringify(before.correlator.snapshot()))

    const forgetful = correlationRun(yaml)
    expect(forgetful.feed([3, 4].map((minute) => failed(minute, { User: 'a' }))).correlations).toEqual([])

    const after = correlationRun(yaml)
    after.correlator.restore(saved)
    const { correlations } = after.feed([3, 4].map((minute) => failed(minute, { User: 'a' })))
    expect(correlations.map((hit) => [hit.count, hit.windowStart.toISOString()])).toEqual([
      [5, '2024-05-01T10:00:00.000Z'],
    ])
  })

  it('drops the state of correlation rules that are gone', () => {
    const run = correlationRun(yaml)
    run.correlator.restore({
      version: 1,
      evictions: { groups: 2, values: 0 },
      rules: {
        'no-such-rule': [{ key: '["a"]', group: { User: 'a' }, start: null, entries: [[0, 0, null, 1]] }],
      },
    })
    expect(run.correlator.snapshot()).toEqual({ version: 1, evictions: { groups: 2, values: 0 }, rules: {} })
  })
})
