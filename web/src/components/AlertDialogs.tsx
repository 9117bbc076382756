import { useState } from 'react'
import { post } from '../api'
import { label } from '../format'
import { navigate } from '../router'
import { type Alert, INCIDENT_PHASES, type Incident, RESOLUTIONS, SEVERITIES } from '../types'
import { useApi } from '../use-api'
import { Dialog, useSubmit } from './Dialog'

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
  const { busy, error, submit } = useSubmit(async () => {
    if (alertIds.length === 1) await post(`/alerts/${alertIds[0]}/close`, { resolution, comment })
    else await post('/alerts/bulk', { ids: alertIds, action: 'close', resolution, comment })
    onDone()
  })
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

const OPEN_PHASES = INCIDENT_PHASES.filter((phase) => phase !== 'closed').join(',')

/**
 * Open an incident from alerts, or add them to an open one: either way their entities become the
 * incident's observables.
 */
export function CreateIncidentDialog({ alerts, onCancel }: { alerts: Alert[]; onCancel: () => void }) {
  const top = alerts[0]
  const host = top?.entities.hosts?.[0]
  const [title, setTitle] = useState(top ? `${top.ruleTitle}${host ? ` on ${host}` : ''}` : '')
  const worst = SEVERITIES.find((severity) => alerts.some((alert) => alert.severity === severity)) ?? 'medium'
  const [severity, setSeverity] = useState<string>(worst)
  const [target, setTarget] = useState('new')
  const open = useApi<{ items: Incident[] }>(`/incidents?limit=100&status=${OPEN_PHASES}`)
  const alertIds = alerts.map((alert) => alert.id)
  const { busy, error, submit } = useSubmit(async () => {
    if (target === 'new') {
      const incident = await post<Incident>('/incidents', { title, severity, alertIds })
      navigate(`/incidents/${incident.id}`)
    } else {
      await post(`/incidents/${target}/alerts`, { alertIds })
      navigate(`/incidents/${target}`)
    }
  })
  const plural = alerts.length === 1 ? '' : 's'
  return (
    <Dialog
      title={
        target === 'new'
          ? `New incident from ${alerts.length} alert${plural}`
          : `Add ${alerts.length} alert${plural} to IR-${target}`
      }
      submitLabel={target === 'new' ? 'Create incident' : 'Add to incident'}
      onSubmit={submit}
      onClose={onCancel}
      busy={busy}
      error={error}
    >
      <label>
        Incident
        <select name="incident" value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value="new">a new incident</option>
          {(open.data?.items ?? []).map((incident) => (
            <option key={incident.id} value={String(incident.id)}>
              IR-{incident.id} {incident.title} ({label(incident.status)})
            </option>
          ))}
        </select>
      </label>
      {target === 'new' && (
        <>
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
        </>
      )}
      <p className="muted">Alerts: {alertIds.map((id) => `#${id}`).join(', ')}</p>
    </Dialog>
  )
}
