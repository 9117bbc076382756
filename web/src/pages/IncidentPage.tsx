import { type FormEvent, useState } from 'react'
import { api, errorText, post } from '../api'
import { SeverityBadge } from '../components/Badges'
import { EvidencePanel, ReportPanel } from '../components/IncidentPanels'
import { ago, dateTime, label } from '../format'
import { Link, useTitle } from '../router'
import {
  INCIDENT_PHASES,
  type Incident,
  type Note,
  type Observable,
  type Task,
  type TimelineEntry,
} from '../types'
import { useApi } from '../use-api'

function PhaseStepper({ incident, onMove }: { incident: Incident; onMove: (phase: string) => void }) {
  const at = INCIDENT_PHASES.indexOf(incident.status as (typeof INCIDENT_PHASES)[number])
  return (
    <ol className="stepper" aria-label="NIST phase">
      {INCIDENT_PHASES.map((phase, index) => (
        <li key={phase} className={index < at ? 'done' : index === at ? 'current' : ''}>
          <button
            type="button"
            onClick={() => onMove(phase)}
            disabled={index === at}
            aria-current={index === at ? 'step' : undefined}
          >
            {label(phase)}
          </button>
        </li>
      ))}
    </ol>
  )
}

export function IncidentPage({ id }: { id: number }) {
  const incident = useApi<Incident>(`/incidents/${id}`)
  const [keyOnly, setKeyOnly] = useState(false)
  const timeline = useApi<{ items: TimelineEntry[] }>(
    `/incidents/${id}/timeline${keyOnly ? '?flagged=true' : ''}`,
  )
  const tasks = useApi<{ items: Task[] }>(`/incidents/${id}/tasks`)
  const observables = useApi<{ items: Observable[] }>(`/incidents/${id}/observables`)
  const notes = useApi<{ items: Note[] }>(`/incidents/${id}/notes`)
  const [failure, setFailure] = useState<string>()
  const [task, setTask] = useState('')
  const [note, setNote] = useState('')
  const [entry, setEntry] = useState('')
  useTitle(incident.data ? `IR-${id} ${incident.data.title}` : `Incident ${id}`)

  const attempt = async (work: () => Promise<unknown>, after: () => void) => {
    setFailure(undefined)
    try {
      await work()
      after()
    } catch (reason) {
      setFailure(errorText(reason))
    }
  }
  const move = (phase: string) => {
    let resolution: string | undefined
    if (phase === 'closed') {
      resolution = window.prompt('Resolution for closing (e.g. contained, false alarm)') ?? undefined
      if (!resolution) return
    }
    void attempt(
      () => post(`/incidents/${id}/status`, { status: phase, ...(resolution ? { resolution } : {}) }),
      () => {
        incident.reload()
        timeline.reload()
      },
    )
  }
  const submit = (event: FormEvent, work: () => Promise<unknown>, after: () => void) => {
    event.preventDefault()
    void attempt(work, after)
  }

  if (incident.error) return <p className="error">{incident.error}</p>
  const data = incident.data
  if (!data) return <p className="muted">Loading…</p>
  return (
    <section className="page">
      <header className="page-head">
        <Link to="/incidents" className="back">
          ← Incidents
        </Link>
        <SeverityBadge severity={data.severity} />
        <h1>
          IR-{data.id} {data.title}
        </h1>
        <span className="tag">TLP:{data.tlp.toUpperCase()}</span>
        <span className="muted">
          opened {ago(data.createdAt)} by {data.createdBy}
          {data.owner ? ` · owner ${data.owner}` : ''}
        </span>
      </header>
      <PhaseStepper incident={data} onMove={move} />
      {failure && <p className="error">{failure}</p>}
      {data.description && <p>{data.description}</p>}
      <div className="columns">
        <div className="col-main">
          <div className="panel">
            <h2>
              Timeline
              <label className="toggle">
                <input type="checkbox" checked={keyOnly} onChange={(e) => setKeyOnly(e.target.checked)} /> key
                events only
              </label>
            </h2>
            <ol className="timeline">
              {(timeline.data?.items ?? []).map((item) => (
                <li key={item.id} className={item.flagged ? 'key' : ''}>
                  <button
                    type="button"
                    className="star"
                    title={item.flagged ? 'Unmark key event' : 'Mark as key event'}
                    aria-pressed={item.flagged}
                    onClick={() =>
                      attempt(
                        () => post(`/incidents/${id}/timeline/${item.id}/flag`, { flagged: !item.flagged }),
                        timeline.reload,
                      )
                    }
                  >
                    {item.flagged ? '★' : '☆'}
                  </button>
                  <span className="mono muted">{dateTime(item.occurredAt)}</span>{' '}
                  <span className="tag">{label(item.kind)}</span> {item.title}{' '}
                  <span className="muted">· {item.actor}</span>
                  {item.body && <div className="body">{item.body}</div>}
                </li>
              ))}
            </ol>
            <form
              className="inline"
              onSubmit={(event) =>
                submit(
                  event,
                  () =>
                    post(`/incidents/${id}/timeline`, { occurredAt: new Date().toISOString(), title: entry }),
                  () => {
                    setEntry('')
                    timeline.reload()
                  },
                )
              }
            >
              <input
                name="timeline"
                placeholder="What happened (now)"
                value={entry}
                onChange={(e) => setEntry(e.target.value)}
              />
              <button type="submit" disabled={!entry.trim()}>
                Add
              </button>
            </form>
          </div>
          <div className="panel">
            <h2>Notes</h2>
            {(notes.data?.items ?? []).map((item) => (
              <div key={item.id} className="note">
                <div className="muted">
                  {item.author} · {ago(item.createdAt)}
                </div>
                {/* Shown as text: Markdown is not rendered, so nothing in a note can run. */}
                <pre className="note-body">{item.body}</pre>
              </div>
            ))}
            <form
              className="stack"
              onSubmit={(event) =>
                submit(
                  event,
                  () => post(`/incidents/${id}/notes`, { body: note }),
                  () => {
                    setNote('')
                    notes.reload()
                  },
                )
              }
            >
              <textarea
                name="note"
                rows={3}
                placeholder="Add a note (Markdown, @mentions)"
                value={note}
                onChange={(e) => setNote(e.target.value)}
              />
              <button type="submit" disabled={!note.trim()}>
                Add note
              </button>
            </form>
          </div>
        </div>
        <aside className="col-side">
          <div className="panel">
            <h2>Tasks</h2>
            <ul className="plain tasks">
              {(tasks.data?.items ?? []).map((item) => (
                <li key={item.id} className={`task-${item.status}`}>
                  <label>
                    <input
                      type="checkbox"
                      checked={item.status === 'done'}
                      onChange={(e) =>
                        attempt(
                          () =>
                            api(`/incidents/${id}/tasks/${item.id}`, {
                              method: 'PATCH',
                              body: { status: e.target.checked ? 'done' : 'open' },
                            }),
                          tasks.reload,
                        )
                      }
                    />{' '}
                    {item.title}
                  </label>
                  {item.kind === 'follow_up' && <span className="tag">follow-up</span>}
                  {item.owner && <span className="muted"> · {item.owner}</span>}
                  {item.dueAt && <span className="muted"> · due {dateTime(item.dueAt).slice(0, 10)}</span>}
                </li>
              ))}
            </ul>
            <form
              className="inline"
              onSubmit={(event) =>
                submit(
                  event,
                  () => post(`/incidents/${id}/tasks`, { title: task }),
                  () => {
                    setTask('')
                    tasks.reload()
                  },
                )
              }
            >
              <input
                name="task"
                placeholder="New task"
                value={task}
                onChange={(e) => setTask(e.target.value)}
              />
              <button type="submit" disabled={!task.trim()}>
                Add
              </button>
            </form>
          </div>
          <div className="panel">
            <h2>Observables</h2>
            {observables.error && <p className="error">{observables.error}</p>}
            <table className="kv observables">
              <tbody>
                {(observables.data?.items ?? []).map((item) => (
                  <tr key={item.id}>
                    <th>{item.type}</th>
                    <td>
                      <code>{item.value}</code>
                      {item.ioc && <span className="tag sev-high">IOC</span>}
                      <span className="muted">
                        {' '}
                        {item.eventSightings} events
                        {item.otherIncidents.length > 0 &&
                          ` · also in ${item.otherIncidents.map((n) => `IR-${n}`).join(', ')}`}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <EvidencePanel incidentId={id} attempt={attempt} />
          <ReportPanel incidentId={id} />
        </aside>
      </div>
    </section>
  )
}
