import { z } from 'zod'

/**
 * The response measures as the API documents them, one wording for every endpoint that returns
 * them (incidents, RCA, response metrics); the instants are those of incident-clock.ts.
 */
export const responseDurationsShape = {
  ttdMs: z
    .number()
    .nullable()
    .describe('Time to detect: the first event of its alerts → the first alert raised; null without alerts'),
  ttaMs: z
    .number()
    .nullable()
    .describe('Time to acknowledge: the first alert raised (or the opening) → acknowledged'),
  ttcMs: z
    .number()
    .nullable()
    .describe(
      'Time to contain: the first alert raised (or the opening) → first entry into eradication or later',
    ),
  ttrMs: z
    .number()
    .nullable()
    .describe(
      'Time to resolve: the first alert raised (or the opening) → first entry into post_incident, else the closing',
    ),
}

export const incidentClockShape = {
  firstEventAt: z
    .string()
    .nullable()
    .describe('The first event of its alerts (earliest alert first seen); null without alerts'),
  detectedAt: z
    .string()
    .describe('Detection: the first alert raised (earliest alert created); the opening without alerts'),
  acknowledgedAt: z
    .string()
    .describe('The earliest alert acknowledgement or the opening, whichever came first'),
}
