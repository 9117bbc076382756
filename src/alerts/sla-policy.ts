import { z } from 'zod'

/** SLA kinds: time to acknowledge and time to close, both counted from the alert's creation. */
export const SLA_KINDS = ['ack', 'close'] as const
export type SlaKind = (typeof SLA_KINDS)[number]

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export type Weekday = (typeof WEEKDAYS)[number]

const DURATION = /^(\d{1,5})(m|h|d)$/
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/** A target written as people say it: `15m`, `4h`, `7d`. */
export const durationSchema = z
  .string()
  .regex(DURATION, 'a duration such as 15m, 4h or 7d')
  .refine((text) => durationMs(text) > 0, 'must be longer than zero')

export function durationMs(text: string): number {
  const match = DURATION.exec(text)
  if (!match) return Number.NaN
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]
}

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time of day as HH:MM')

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name })
    return true
  } catch {
    return false
  }
}

export const businessHoursSchema = z
  .object({
    enabled: z.boolean(),
    /** IANA time zone the hours are in, e.g. Europe/Paris. */
    timeZone: z.string().max(64).refine(isTimeZone, 'an IANA time zone such as Europe/Paris'),
    days: z.array(z.enum(WEEKDAYS)).min(1).max(7),
    start: clock,
    end: clock,
  })
  .refine((hours) => hours.start < hours.end, { message: 'start must be before end', path: ['end'] })

const targetSchema = z.object({ ack: durationSchema, close: durationSchema })

export const slaPolicySchema = z
  .object({
    /** Targets per alert severity. */
    targets: z.object({
      critical: targetSchema,
      high: targetSchema,
      medium: targetSchema,
      low: targetSchema,
      info: targetSchema,
    }),
    /** The share of a target left when an alert turns `at_risk` (0.25: the last quarter). */
    atRiskFraction: z.number().gt(0).lt(1),
    businessHours: businessHoursSchema,
  })
  .refine(
    (policy) =>
      Object.values(policy.targets).every((target) => durationMs(target.ack) <= durationMs(target.close)),
    { message: 'each acknowledge target must not be longer than its close target', path: ['targets'] },
  )

export type SlaPolicy = z.infer<typeof slaPolicySchema>
export type BusinessHours = z.infer<typeof businessHoursSchema>

export const DEFAULT_SLA_POLICY: SlaPolicy = {
  targets: {
    critical: { ack: '15m', close: '4h' },
    high: { ack: '1h', close: '24h' },
    medium: { ack: '4h', close: '72h' },
    low: { ack: '24h', close: '7d' },
    info: { ack: '72h', close: '30d' },
  },
  atRiskFraction: 0.25,
  businessHours: {
    enabled: false,
    timeZone: 'UTC',
    days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    start: '09:00',
    end: '17:00',
  },
}

/** The target in milliseconds for an alert severity (an unknown severity counts as medium). */
export function targetMs(policy: SlaPolicy, severity: string, kind: SlaKind): number {
  const targets = policy.targets[severity as keyof SlaPolicy['targets']] ?? policy.targets.medium
  return durationMs(targets[kind])
}
