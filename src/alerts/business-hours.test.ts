import { describe, expect, it } from 'vitest'
import { addBusinessTime, businessTimeBetween } from './business-hours.js'
import type { BusinessHours } from './sla-policy.js'

const HOUR = 3_600_000
const PARIS_OFFICE: BusinessHours = {
  enabled: true,
  timeZone: 'Europe/Paris',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  start: '09:00',
  end: '17:00',
}

describe('business hours', () => {
  it('is plain addition when turned off', () => {
    const start = new Date('2026-03-27T15:00:00Z')
    expect(addBusinessTime(start, 4 * HOUR, { ...PARIS_OFFICE, enabled: false }).toISOString()).toBe(
      '2026-03-27T19:00:00.000Z',
    )
  })

  it('carries a target from Friday afternoon over the weekend and the spring DST change to Monday', () => {
    // Friday 16:00 in Paris (CET, UTC+1); the clocks go forward on Sunday 29 March.
    const friday = new Date('2026-03-27T15:00:00Z')
    // One hour on Friday, three on Monday from 09:00 CEST (07:00Z): 12:00 CEST.
    expect(addBusinessTime(friday, 4 * HOUR, PARIS_OFFICE).toISOString()).toBe('2026-03-30T10:00:00.000Z')
    expect(businessTimeBetween(friday, new Date('2026-03-30T10:00:00Z'), PARIS_OFFICE)).toBe(4 * HOUR)
  })

  it('carries a target over the autumn DST change (clocks go back on Sunday 25 October)', () => {
    const friday = new Date('2026-10-23T14:30:00Z') // 16:30 CEST
    expect(addBusinessTime(friday, HOUR, PARIS_OFFICE).toISOString()).toBe('2026-10-26T08:30:00.000Z') // 09:30 CET
  })

  it('starts the clock at the next opening when an alert arrives at night or on a weekend', () => {
    const saturday = new Date('2026-03-28T12:00:00Z')
    expect(addBusinessTime(saturday, 15 * 60_000, PARIS_OFFICE).toISOString()).toBe(
      '2026-03-30T07:15:00.000Z',
    )
    expect(businessTimeBetween(saturday, new Date('2026-03-29T23:00:00Z'), PARIS_OFFICE)).toBe(0)
  })

  it('follows the wall clock on the day of the change itself', () => {
    const allDay: BusinessHours = {
      enabled: true,
      timeZone: 'Europe/Paris',
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      start: '00:00',
      end: '24:00',
    }
    // Sunday 29 March 2026 in Paris has 23 hours; Sunday 25 October has 25.
    expect(
      businessTimeBetween(new Date('2026-03-28T23:00:00Z'), new Date('2026-03-29T22:00:00Z'), allDay),
    ).toBe(23 * HOUR)
    expect(
      businessTimeBetween(new Date('2026-10-24T22:00:00Z'), new Date('2026-10-25T23:00:00Z'), allDay),
    ).toBe(25 * HOUR)
  })

  it('counts New York office hours across its own DST change (8 March 2026)', () => {
    const everyDay: BusinessHours = {
      enabled: true,
      timeZone: 'America/New_York',
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      start: '09:00',
      end: '17:00',
    }
    // Saturday 16:00 EST (21:00Z): one hour left; Sunday opens at 09:00 EDT (13:00Z).
    const saturday = new Date('2026-03-07T21:00:00Z')
    expect(addBusinessTime(saturday, 2 * HOUR, everyDay).toISOString()).toBe('2026-03-08T14:00:00.000Z')
  })
})
