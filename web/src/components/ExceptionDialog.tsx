import { useState } from 'react'
import { post } from '../api'
import type { Alert } from '../types'
import { Dialog, useSubmit } from './Dialog'

/** entities keys → the detection field an exception matches on (see src/alerts/detection-fields.ts). */
const ENTITY_FIELDS: Record<string, string> = {
  hosts: 'host',
  users: 'user',
  ips: 'ip',
  processes: 'process',
  hashes: 'hash',
  domains: 'domain',
  urls: 'url',
  files: 'file',
}

const EXPIRY_DAYS = [7, 30, 90, 365]

interface Condition {
  field: string
  value: string
}

/** What the alert offers to match on: its entities, then the fields that made the rule match. */
function conditionsOf(alert: Alert): Condition[] {
  const conditions: Condition[] = []
  for (const [kind, values] of Object.entries(alert.entities)) {
    const field = ENTITY_FIELDS[kind]
    if (field) for (const value of values) conditions.push({ field, value })
  }
  for (const [field, value] of Object.entries(alert.matched)) {
    if (typeof value === 'string' || typeof value === 'number')
      conditions.push({ field: `matched.${field}`, value: String(value) })
  }
  return conditions.filter((condition) => condition.value.length > 0 && condition.value.length <= 1_000)
}

/**
 * Tune out a known-good pattern from an alert (a false positive): detections of this rule (or of
 * every rule) matching all the chosen values raise no alert until the exception expires. The
 * exception is owned, explained and counted (GET /api/v1/exceptions); the alert can be closed as
 * a false positive at the same time.
 */
export function AddExceptionDialog({
  alert,
  onDone,
  onCancel,
}: {
  alert: Alert
  onDone: () => void
  onCancel: () => void
}) {
  const conditions = conditionsOf(alert)
  // The first host is the usual scope of a false positive ("this admin tool on this server").
  const [chosen, setChosen] = useState<Set<number>>(
    () =>
      new Set(
        conditions.flatMap((condition, index) => (condition.field === 'host' ? [index] : [])).slice(0, 1),
      ),
  )
  const [allRules, setAllRules] = useState(false)
  const [reason, setReason] = useState('')
  const [days, setDays] = useState(30)
  const [close, setClose] = useState(alert.status !== 'closed')
  const toggle = (index: number) =>
    setChosen((previous) => {
      const next = new Set(previous)
      if (next.has(index)) next.delete(index)
      else next.add(index)
      return next
    })
  const { busy, error, submit } = useSubmit(async () => {
    if (chosen.size === 0) throw new Error('choose at least one value the exception matches')
    if (!reason.trim()) throw new Error('say why this is expected (the reason is kept with the exception)')
    const created = await post<{ id: number }>('/exceptions', {
      ruleId: allRules ? null : alert.ruleId,
      matchers: [...chosen].sort((a, b) => a - b).map((index) => ({ ...conditions[index]!, op: 'equals' })),
      reason,
      expiresAt: new Date(Date.now() + days * 86_400_000).toISOString(),
    })
    if (close)
      await post(`/alerts/${alert.id}/close`, {
        resolution: 'false_positive',
        comment: `Exception #${created.id}: ${reason}`,
      })
    onDone()
  })
  return (
    <Dialog
      title={`Add an exception from alert #${alert.id}`}
      submitLabel="Add exception"
      onSubmit={submit}
      onClose={onCancel}
      busy={busy}
      error={error}
    >
      <fieldset className="conditions">
        <legend>Raise no alert when a detection has all of</legend>
        {conditions.length === 0 && (
          <p className="muted">This alert has no entity or matched value to use.</p>
        )}
        {conditions.map((condition, index) => (
          <label key={`${condition.field}=${condition.value}`} className="check">
            <input
              type="checkbox"
              name={`condition-${index}`}
              checked={chosen.has(index)}
              onChange={() => toggle(index)}
            />{' '}
            <span className="mono">{condition.field}</span> = <code>{condition.value}</code>
          </label>
        ))}
      </fieldset>
      <label className="check">
        <input
          type="checkbox"
          name="allRules"
          checked={allRules}
          onChange={(e) => setAllRules(e.target.checked)}
        />{' '}
        for every rule, not only “{alert.ruleTitle}”
      </label>
      <label>
        Reason
        <textarea
          name="reason"
          rows={3}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder="Why this is expected (e.g. the nightly backup job on this server)"
        />
      </label>
      <label>
        Expires in
        <select name="expiry" value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {EXPIRY_DAYS.map((value) => (
            <option key={value} value={value}>
              {value} days
            </option>
          ))}
        </select>
      </label>
      {alert.status !== 'closed' && (
        <label className="check">
          <input type="checkbox" name="close" checked={close} onChange={(e) => setClose(e.target.checked)} />{' '}
          close this alert as a false positive
        </label>
      )}
    </Dialog>
  )
}
