import type { Store } from '../../store/store.js'
import { enqueueAlertNotifications } from '../enqueue.js'
import type { AlertNotice } from '../message.js'

let counter = 0

/** A plausible alert as notifications see it; override what the test is about. */
export function buildNotice(overrides: Partial<AlertNotice> = {}): AlertNotice {
  counter += 1
  return {
    id: 100_000 + counter,
    ruleId: 'rule-mimikatz',
    ruleTitle: 'Mimikatz command line',
    severity: 'high',
    status: 'new',
    source: 'sysmon',
    tags: ['attack.credential_access'],
    hosts: [`ws-${counter}.corp.example`],
    users: ['CORP\\alice'],
    eventCount: 1,
    createdAt: new Date().toISOString(),
    ...overrides,
  }
}

/** Enqueues `count` new-alert notifications for one channel in one transaction; returns their alerts. */
export async function enqueueNotices(store: Store, channelId: number, count: number): Promise<AlertNotice[]> {
  const notices = Array.from({ length: count }, () => buildNotice())
  await store.transaction(async (trx) => {
    for (const notice of notices)
      await enqueueAlertNotifications(
        trx,
        () => [channelId],
        { ...notice, silenced: false },
        {
          event: 'alert.created',
          changedAt: new Date(),
        },
      )
  })
  return notices
}
