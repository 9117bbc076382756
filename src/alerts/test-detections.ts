import pino from 'pino'
import type { NewDetection } from '../store/schema.js'
import type { TestServer } from '../test-support/test-server.js'
import { AlertBuilder } from './alert-builder.js'

let detectionCounter = 0

/** A Sigma detection as the detect loop writes it; host, user and time are the usual overrides. */
export function buildDetection(
  overrides: Partial<NewDetection> & { host?: string; user?: string; at?: Date } = {},
): NewDetection {
  detectionCounter += 1
  const { host = 'ws-17', user = 'CORP\\alice', at, ...rest } = overrides
  return {
    created_at: new Date(),
    detected_at: at ?? new Date(Date.UTC(2026, 10, 22, 9, 0, 0, detectionCounter)),
    kind: 'sigma',
    rule_id: 'rule-mimikatz',
    rule_title: 'Mimikatz command line',
    level: 'high',
    tags: JSON.stringify(['attack.credential_access', 'attack.t1003.001']),
    source: 'sysmon',
    event_seqs: JSON.stringify([detectionCounter]),
    matched: JSON.stringify({ CommandLine: 'mimikatz.exe sekurlsa::logonpasswords' }),
    dedup_key: `quiet-test:${detectionCounter}`,
    context: JSON.stringify({ host, user }),
    ...rest,
  }
}

export async function insertDetections(server: TestServer, rows: NewDetection[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 1_000)
    await server.services.store.db
      .insertInto('detections')
      .values(rows.slice(start, start + 1_000))
      .execute()
}

/** The alert builder wired as the server wires it (shared exceptions, settings, metrics, routes). */
export function serverAlertBuilder(server: TestServer): AlertBuilder {
  const services = server.services
  return new AlertBuilder(services.store, services.rules, services.silences, pino({ level: 'silent' }), {
    notify: services.notifyRoutes,
    exceptions: services.exceptions,
    settings: services.ruleAlertSettings,
    metrics: services.alertQuietMetrics,
  })
}

export interface PublicAlert {
  id: number
  ruleId: string
  status: string
  resolution: string | null
  closeComment: string | null
  assignee: string | null
  count: number
  suppressedCount: number
  mergedInto: number | null
  silencedBy: number | null
  tags: string[]
  entities: Record<string, string[]>
  firstSeen: string
  lastSeen: string
}
