import type { NormalisedEvent } from '../core/event.js'

let counter = 0

/** A plausible Sysmon process-creation event; override what the test is about. */
export function buildEvent(overrides: Partial<NormalisedEvent> = {}): NormalisedEvent {
  counter += 1
  const timestamp = overrides.timestamp ?? new Date(Date.UTC(2026, 10, 20, 12, 0, counter % 60))
  return {
    timestamp,
    receivedAt: new Date(timestamp.getTime() + 1500),
    source: 'test-sysmon',
    dataset: 'windows.sysmon_operational',
    eventCode: '1',
    hostName: `ws-${counter % 7}.corp.example`,
    userName: 'CORP\\alice',
    sourceIp: '10.1.2.3',
    destinationIp: null,
    processName: 'powershell.exe',
    processCommandLine: `powershell.exe -nop -enc SQBFAFgA ${counter}`,
    ecs: {},
    original: { EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', n: counter },
    ...overrides,
  }
}
