import { describe, expect, it } from 'vitest'
import { parseError, parseOne } from './text-formats.test-support.js'

describe('syslog RFC 5424', () => {
  it('reads the header and keeps structured data', () => {
    const line =
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 4242 ID47 [exampleSDID@32473 iut="3" eventSource="App\\"lication" eventID="1011"][meta seq="1"] \uFEFFAn application event'
    const event = parseOne(line, 'syslog')
    expect(event.timestamp.toISOString()).toBe('2003-10-11T22:14:15.003Z')
    expect(event.hostName).toBe('mymachine.example.com')
    expect(event.processName).toBe('evntslog')
    expect(event.dataset).toBe('syslog')
    expect(event.ecs.message).toBe('An application event')
    expect(event.original.message).toBe(line)
    expect(event.original.syslog).toMatchObject({
      facility: 'local4',
      severity: 'notice',
      procid: '4242',
      msgid: 'ID47',
      structured_data: {
        'exampleSDID@32473': { iut: '3', eventSource: 'App"lication', eventID: '1011' },
        meta: { seq: '1' },
      },
    })
  })

  it('reads an offset time and nil values', () => {
    const event = parseOne('<34>1 2024-01-05T10:00:00.5+02:00 - - - - - no header values', 'syslog')
    expect(event.timestamp.toISOString()).toBe('2024-01-05T08:00:00.500Z')
    expect(event.hostName).toBeNull()
    expect(event.ecs.message).toBe('no header values')
  })

  it('refuses a bad priority, a bad time and unterminated structured data with a reason', () => {
    expect(parseError('<999>1 2024-01-05T10:00:00Z h a - - - x', 'syslog')).toMatch(/priority/)
    expect(parseError('<34>1 yesterday h a - - - x', 'syslog')).toMatch(/RFC 3339/)
    expect(parseError('<34>1 2024-01-05T10:00:00Z h a - - [id k="v', 'syslog')).toMatch(/closing quote/)
    expect(parseError('<34>1 2024-01-05T10:00:00Z h', 'syslog')).toMatch(/header needs/)
  })
})

describe('syslog RFC 3164 and its real-world deviations', () => {
  it('reads the classic form; the year is inferred from the received time', () => {
    const event = parseOne(
      "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
      'syslog',
    )
    // Received 2024-03-02: October 11 is in the past year.
    expect(event.timestamp.toISOString()).toBe('2023-10-11T22:14:15.000Z')
    expect(event.hostName).toBe('mymachine')
    expect(event.processName).toBe('su')
    expect(event.original.syslog).toMatchObject({ facility: 'auth', severity: 'crit' })
  })

  it('reads lines without <PRI>, with a padded day, a PID, and in the source time zone', () => {
    const event = parseOne('Mar  1 12:00:00 web1 cron[77]: job started', 'syslog', 'Europe/Paris')
    expect(event.timestamp.toISOString()).toBe('2024-03-01T11:00:00.000Z')
    expect(event.processName).toBe('cron')
    expect(event.ecs.process).toMatchObject({ pid: 77 })
  })

  it('reads an ISO time (rsyslog), a BSD time with a year, and no host name', () => {
    expect(
      parseOne('<13>2024-02-01T08:00:00.123456+01:00 host1 app: hello', 'syslog').timestamp.toISOString(),
    ).toBe('2024-02-01T07:00:00.123Z')
    const withYear = parseOne('<13>Feb  1 2022 08:00:00 host1 app: hello', 'syslog')
    expect(withYear.timestamp.toISOString()).toBe('2022-02-01T08:00:00.000Z')
    const noHost = parseOne('<13>Feb  1 08:00:00 app[1]: hello', 'syslog')
    expect(noHost.hostName).toBeNull()
    expect(noHost.processName).toBe('app')
  })

  it('refuses a line that is not syslog at all', () => {
    expect(parseError('just some words', 'syslog')).toMatch(/neither <PRI> nor a timestamp/)
  })
})
