import { describe, expect, it } from 'vitest'
import { parseError, parseOne } from './text-formats.test-support.js'

describe('key=value', () => {
  it('reads quoted values and Fortinet-style date, time and tz', () => {
    const event = parseOne(
      'date=2024-05-01 time=10:00:00 tz="+0200" devname="FG 100" srcip=10.1.1.1 dstip=8.8.8.8 user="bob smith" action=deny',
      'kv',
    )
    expect(event.timestamp.toISOString()).toBe('2024-05-01T08:00:00.000Z')
    expect(event).toMatchObject({
      dataset: 'kv',
      sourceIp: '10.1.1.1',
      destinationIp: '8.8.8.8',
      userName: 'bob smith',
      hostName: 'FG 100',
    })
    expect(event.original).toMatchObject({ devname: 'FG 100', action: 'deny' })
  })

  it('refuses a line with no pairs', () => {
    expect(parseError('nothing to see here', 'kv')).toBe('no key=value pairs in the line')
  })
})

describe('Linux auditd', () => {
  it('reads a SYSCALL record: time and serial, process, outcome', () => {
    const event = parseOne(
      'type=SYSCALL msg=audit(1604996384.965:93777): arch=c000003e syscall=59 success=yes exit=0 ppid=29002 pid=2168 auid=1000 uid=1000 comm="dd" exe="/bin/dd" key=(null)',
    )
    expect(event).toMatchObject({ dataset: 'auditd.log', eventCode: 'SYSCALL', processName: 'dd' })
    expect(event.timestamp.toISOString()).toBe('2020-11-10T08:19:44.965Z')
    expect(event.ecs.process).toMatchObject({ executable: '/bin/dd', pid: 2168, parent: { pid: 29002 } })
    expect(event.original).toMatchObject({ audit_serial: 93777, success: 'yes' })
  })

  it('decodes hex proctitle and merges the nested msg of USER_* records', () => {
    const proctitle = parseOne(
      'type=PROCTITLE msg=audit(1700000000.000:5): proctitle=2F62696E2F7368002D63006964',
      'auditd',
    )
    expect(proctitle.processCommandLine).toBe('/bin/sh -c id')
    const login = parseOne(
      'node=srv1 type=USER_LOGIN msg=audit(1700000000.100:6): pid=900 uid=0 auid=1000 ses=3 msg=\'op=login acct="alice" exe="/usr/sbin/sshd" hostname=? addr=203.0.113.5 terminal=ssh res=failed\'',
      'auditd',
    )
    expect(login).toMatchObject({ hostName: 'srv1', userName: 'alice', sourceIp: '203.0.113.5' })
    expect(login.ecs.event).toMatchObject({ outcome: 'failure' })
  })

  it('refuses lines without the audit stamp, or with a broken one', () => {
    expect(parseError('type=SYSCALL arch=c000003e', 'auditd')).toMatch(/msg=audit\(<epoch>:<serial>\)/)
    expect(parseError('type=SYSCALL msg=audit(abc:1): x=1', 'auditd')).toMatch(/must hold <epoch>:<serial>/)
  })
})

describe('VPC flow logs (text)', () => {
  it('reads the default version 2 format', () => {
    const event = parseOne(
      '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK',
    )
    expect(event).toMatchObject({
      dataset: 'aws.vpcflow',
      sourceIp: '172.31.16.139',
      destinationIp: '172.31.16.21',
      eventCode: 'ACCEPT',
    })
    expect(event.timestamp.toISOString()).toBe('2014-12-14T04:06:50.000Z')
    expect(event.ecs.network).toEqual({ transport: 'tcp' })
    expect(event.ecs.destination).toEqual({ ip: '172.31.16.21', port: 22 })
    expect(event.ecs.cloud).toMatchObject({ account: { id: '123456789010' } })
  })

  it('refuses a line with the wrong number of fields, and the header line', () => {
    expect(parseError('2 123456789010 eni-1 1.2.3.4', 'vpcflow')).toMatch(/14 space-separated fields.*has 4/)
    expect(
      parseError(
        'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
        'vpcflow',
      ),
    ).toMatch(/header line/)
  })
})
