import { useState } from 'react'
import { post } from '../api'
import { label } from '../format'
import { navigate } from '../router'
import { type Alert, type Incident, RESOLUTIONS, SEVERITIES } from '../types'
import { Dialog } from './Dialog'

const message = (reason: unknown) => (reason instanceof Error ? reason.message : String(reason))

/** Close one or more alerts with a resolution and a comment (the API asks for both). */
export function CloseAlertsDialog({
  alertIds,
  onDone,
  onCancel,
}: {
  alertIds: number[]
  onDone: () => void
  onCancel: () => void
}) {
  const [resolution, setResolution] = useState<string>('false_positive')
  const [comment, setComment] = useState('')
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const submit = async () => {
    setBusy(true)
    try {
      if (alertIds.length === 1) await post(`/alerts/${alertIds[0]}/close`, { resolution, comment })
      else await post('/alerts/bulk', { ids: alertIds, action: 'close', resolution, comment })
      onDone()
    } catch (reason) {
      setError(message(reason))
      setBusy(false)
    }
  }
  return (
    <Dialog
      title={alertIds.length === 1 ? `Close alert #${alertIds[0]}` : `Close ${alertIds.length} alerts`}
      submitLabel="Close"
      onSubmit={submit}
      onClose={onCancel}
      busy={busy}
      error={error}
    >
      <label>
        Resolution
        <select name="resolution" value={resolution} onChange={(e) => setResolution(e.target.value)}>
          {RESOLUTIONS.map((value) => (
            <option key={value} value={value}>
              {label(value)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Comment
        <textarea
          name="comment"
          rows={4}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          placeholder="Why: what you checked and what you found"
          autoFocus
        />
      </label>
    </Dialog>
  )
}

/** Open an incident from alerts: their entities become the incident's observables. */
export function CreateIncidentDialog({ alerts, onCancel }: { alerts: Alert[]; onCancel: () => void }) {
  const top = alerts[0]
  const host = top?.entities.hosts?.[0]
  const [title, setTitle] = useState(top ? `${top.ruleTitle}${host ? ` on ${host}` : ''}` : '')
  const worst = SEVERITIES.find((severity) => alerts.some((alert) => alert.severity === severity)) ?? 'medium'
  const [severity, setSeverity] = useState<string>(worst)
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const submit = async () => {
    setBusy(true)
    try {
      const incident = await post<Incident>('/incidents', {
        title,
        severity,
        alertIds: alerts.map((alert) => alert.id),
      })
      navigate(`/incidents/${incident.id}`)
    } catch (reason) {
      setError(message(reason))
      setBusy(false)
    }
  }
  return (
    <Dialog
      title={`New incident from ${alerts.length} alert${alerts.length === 1 ? '' : 's'}`}
      submitLabel="Create incident"
      onSubmit={submit}
      onClose={onCancel}
      busy={busy}
      error={error}
    >
      <label>
        Title
        <input
          name="title"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          required
          maxLength={300}
        />
      </label>
      <label>
        Severity
        <select name="severity" value={severity} onChange={(e) => setSeverity(e.target.value)}>
          {SEVERITIES.map((value) => (
            <option key={value}>{value}</option>
          ))}
        </select>
      </label>
      <p className="muted">Alerts: {alerts.map((alert) => `#${alert.id}`).join(', ')}</p>
    </Dialog>
  )
}
