import { describe, expect, it } from 'vitest'
import { parseError, parseOne } from './text-formats.test-support.js'

describe('CEF', () => {
  it('reads the header and an extension with spaces, escapes and URLs in values', () => {
    const event = parseOne(
      'CEF:0|Security|threatmanager|1.0|100|detected a \\| in message|10|src=10.0.0.1 dst=2.1.2.2 spt=1232 dpt=443 suser=alice msg=hello world with \\= sign request=https://x.example/a?b=c&d=e act=blocked rt=1700000000000',
      'cef',
    )
    expect(event).toMatchObject({
      dataset: 'cef',
      eventCode: '100',
      sourceIp: '10.0.0.1',
      destinationIp: '2.1.2.2',
      userName: 'alice',
    })
    expect(event.original).toMatchObject({
      deviceVendor: 'Security',
      name: 'detected a | in message',
      msg: 'hello world with = sign',
      request: 'https://x.example/a?b=c&d=e',
    })
    expect(event.timestamp.toISOString()).toBe('2023-11-14T22:13:20.000Z')
    expect(event.ecs.event).toMatchObject({ action: 'blocked', severity: 10 })
    expect(event.ecs.url).toEqual({ full: 'https://x.example/a?b=c&d=e' })
  })

  it('reads CEF after a syslog header, with the header time as fallback', () => {
    const event = parseOne(
      '<134>Feb  1 12:00:00 fw1 CEF:0|Vendor|FW|2|deny|Denied|5|src=192.0.2.1 dst=192.0.2.2',
    )
    expect(event).toMatchObject({ dataset: 'cef', hostName: 'fw1', eventCode: 'deny', sourceIp: '192.0.2.1' })
    expect(event.timestamp.toISOString()).toBe('2024-02-01T12:00:00.000Z')
  })

  it('refuses a short header and a bad version', () => {
    expect(parseError('CEF:0|Vendor|Product|1.0', 'cef')).toMatch(/7 '\|'-separated fields.*found 3/)
    expect(parseError('CEF:7|a|b|c|d|e|f|x=y', 'cef')).toMatch(/version must be 0 or 1/)
    expect(parseError('no marker here', 'cef')).toMatch(/not a CEF record/)
  })
})

describe('LEEF', () => {
  it('reads LEEF 1.0 with tab-separated attributes', () => {
    const event = parseOne(
      'LEEF:1.0|Microsoft|MSExchange|2016|15345|src=10.50.1.1\tdst=2.10.20.20\tusrName=joe\tdevTime=Jan 05 2024 10:00:00',
      'leef',
    )
    expect(event).toMatchObject({
      dataset: 'leef',
      eventCode: '15345',
      sourceIp: '10.50.1.1',
      destinationIp: '2.10.20.20',
      userName: 'joe',
    })
    expect(event.timestamp.toISOString()).toBe('2024-01-05T10:00:00.000Z')
  })

  it('reads LEEF 2.0 with a named delimiter, as a character or a hex code', () => {
    const caret = parseOne('LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^sev=5', 'leef')
    expect(caret).toMatchObject({ sourceIp: '10.0.1.8', destinationIp: '10.0.0.5' })
    const hex = parseOne('LEEF:2.0|V|P|1|7|x7C|src=10.0.0.9|usrName=ann', 'leef')
    expect(hex).toMatchObject({ sourceIp: '10.0.0.9', userName: 'ann' })
  })

  it('reads space-separated LEEF 1.0 as many devices write it', () => {
    expect(parseOne('LEEF:1.0|V|P|1|login|src=10.0.0.1 usrName="jo smith"', 'leef').userName).toBe('jo smith')
  })

  it('refuses a short header, a bad version and a bad delimiter', () => {
    expect(parseError('LEEF:1.0|V|P', 'leef')).toMatch(/LEEF header needs/)
    expect(parseError('LEEF:3.0|V|P|1|e|a=b', 'leef')).toMatch(/version must be 1.0 or 2.0/)
    expect(parseError('LEEF:2.0|V|P|1|e|xZZ|a=b', 'leef')).toMatch(/delimiter/)
  })
})
