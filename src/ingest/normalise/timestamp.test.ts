import { describe, expect, it } from 'vitest'
import { parseTimestamp } from './timestamp.js'

const REFERENCE = new Date('2024-03-02T10:00:00Z')
const iso = (value: unknown, zone = 'UTC') => parseTimestamp(value, zone, REFERENCE)?.toISOString() ?? null

describe('parseTimestamp', () => {
  it('reads ISO 8601 variants: T or space, any fraction, Z, offsets with and without colon', () => {
    expect(iso('2020-06-10T02:50:56.537Z')).toBe('2020-06-10T02:50:56.537Z')
    expect(iso('2020-06-10 02:50:54.631')).toBe('2020-06-10T02:50:54.631Z')
    expect(iso('2021-08-31 15:46:02.000000000')).toBe('2021-08-31T15:46:02.000Z')
    expect(iso('2022-05-13T08:54:05.1230000Z')).toBe('2022-05-13T08:54:05.123Z')
    expect(iso('2019-01-01T00:00:00+0530')).toBe('2018-12-31T18:30:00.000Z')
    expect(iso('2024-01-15 10:30:45 +0000')).toBe('2024-01-15T10:30:45.000Z')
    expect(iso('2024-01-15T10:30:45-07:00')).toBe('2024-01-15T17:30:45.000Z')
    expect(iso('2024-01-15')).toBe('2024-01-15T00:00:00.000Z')
  })

  it('reads times without a zone in the given IANA zone, across daylight saving', () => {
    expect(iso('2020-06-09 22:50:54', 'America/New_York')).toBe('2020-06-10T02:50:54.000Z')
    expect(iso('2020-01-09 22:50:54', 'America/New_York')).toBe('2020-01-10T03:50:54.000Z')
    expect(iso('2024-07-01T12:00:00', 'Asia/Tokyo')).toBe('2024-07-01T03:00:00.000Z')
    // An explicit zone wins over the source's.
    expect(iso('2024-07-01T12:00:00Z', 'Asia/Tokyo')).toBe('2024-07-01T12:00:00.000Z')
  })

  it('reads epoch numbers and numeric text in seconds, milliseconds, microseconds and nanoseconds', () => {
    expect(iso(1604996384.965)).toBe('2020-11-10T08:19:44.965Z')
    expect(iso(1621305118553)).toBe('2021-05-18T02:31:58.553Z')
    expect(iso('1692161668.553848')).toBe('2023-08-16T04:54:28.554Z')
    expect(iso(1692161668553848)).toBe('2023-08-16T04:54:28.554Z')
    expect(iso('1692161668553848000')).toBe('2023-08-16T04:54:28.554Z')
  })

  it('reads BSD syslog, CLF and other forms Date.parse knows', () => {
    expect(iso('Mar  1 12:00:00')).toBe('2024-03-01T12:00:00.000Z')
    expect(iso('Dec 31 23:59:59')).toBe('2023-12-31T23:59:59.000Z')
    expect(iso('Jan 05 2024 10:00:00.250 UTC')).toBe('2024-01-05T10:00:00.250Z')
    expect(iso('10/Oct/2000:13:55:36 -0700')).toBe('2000-10-10T20:55:36.000Z')
    expect(iso('Tue, 01 Oct 2024 10:00:00 GMT')).toBe('2024-10-01T10:00:00.000Z')
  })

  it('gives null for what is not a time', () => {
    for (const value of [
      'redacted',
      'hello world',
      '2024-13-45T99:00:00Z',
      '',
      null,
      undefined,
      {},
      0,
      -5,
      true,
    ]) {
      expect(iso(value), String(value)).toBeNull()
    }
  })
})
