import { type FormEvent, useState } from 'react'
import { errorText, post } from '../api'
import { CloseAlertsDialog, CreateIncidentDialog } from '../components/AlertDialogs'
import { SeverityBadge, SlaCell, StatusBadge } from '../components/Badges'
import { AddExceptionDialog } from '../components/ExceptionDialog'
import { ago, dateTime, label } from '../format'
import { useHotkeys } from '../keys'
import { Link, navigate, useTitle } from '../router'
import type { AlertDetail, Me } from '../types'
import { useApi } from '../use-api'

function List({ items, empty = '—' }: { items: string[]; empty?: string }) {
  if (items.length === 0) return <span className="muted">{empty}</span>
  return (
    <ul className="plain">
      {items.map((item) => (
        <li key={item}>{item}</li>
      ))}
    </ul>
  )
}

function attackUrl(technique: string): string {
  return `https://attack.mitre.org/techniques/${technique.replace('.', '/')}/`
}

export function AlertDetailPage({ id, me }: { id: number; me: Me }) {
  const { data: alert, error, reload } = useApi<AlertDetail>(`/alerts/${id}`)
  useTitle(alert ? `#${id} ${alert.ruleTitle}` : `Alert #${id}`)
  const [dialog, setDialog] = useState<'close' | 'incident' | 'exception' | null>(null)
  const [assignee, setAssignee] = useState('')
  const [comment, setComment] = useState('')
  const [failure, setFailure] = useState<string>()
  const canWrite = me.role !== 'viewer'

  const run = async (path: string, body: unknown = {}) => {
    setFailure(undefined)
    try {
      await post(`/alerts/${id}/${path}`, body)
      reload()
    } catch (reason) {
      setFailure(errorText(reason))
    }
  }
  useHotkeys(
    {
      a: () => canWrite && alert?.status === 'new' && void run('acknowledge'),
      c: () => canWrite && alert?.status !== 'closed' && setDialog('close'),
      n: () => canWrite && setDialog('incident'),
      u: () => navigate('/alerts'),
      escape: () => navigate('/alerts'),
    },
    dialog === null,
  )

  if (error) return <p className="error">{error}</p>
  if (!alert) return <p className="muted">Loading…</p>

  const submitComment = (event: FormEvent) => {
    event.preventDefault()
    if (!comment.trim()) return
    void run('comment', { comment }).then(() => setComment(''))
  }
  const entities = Object.entries(alert.entities).filter(([, values]) => values.length > 0)
  const comments = alert.history.filter((entry) => entry.comment)

  return (
    <section className="page">
      <header className="page-head">
        <Link to="/alerts" className="back">
          ← Queue
        </Link>
        <SeverityBadge severity={alert.severity} />
        <h1>
          #{alert.id} {alert.ruleTitle}
        </h1>
        <StatusBadge status={alert.status} />
        {alert.resolution && <span className="tag">{label(alert.resolution)}</span>}
        <div className="spacer" />
        {canWrite && (
          <div className="actions">
            {alert.status === 'new' && (
              <button type="button" onClick={() => run('acknowledge')}>
                Acknowledge <kbd>a</kbd>
              </button>
            )}
            {alert.status !== 'closed' && alert.status !== 'in_progress' && (
              <button type="button" onClick={() => run('start')}>
                Start
              </button>
            )}
            {alert.status !== 'closed' ? (
              <button type="button" onClick={() => setDialog('close')}>
                Close <kbd>c</kbd>
              </button>
            ) : (
              <button type="button" onClick={() => run('reopen')}>
                Reopen
              </button>
            )}
            <button type="button" onClick={() => setDialog('exception')}>
              Add exception
            </button>
            {alert.incidentId === null && (
              <button type="button" className="primary" onClick={() => setDialog('incident')}>
                Create incident <kbd>n</kbd>
              </button>
            )}
          </div>
        )}
      </header>
      {failure && <p className="error">{failure}</p>}
      <div className="columns">
        <div className="col-main">
          <div className="panel">
            <h2>What the rule looks for</h2>
            <p>{alert.description ?? <span className="muted">No description.</span>}</p>
            <dl className="facts">
              <dt>Rule</dt>
              <dd>
                <code>{alert.ruleId}</code> ({alert.kind})
              </dd>
              <dt>ATT&amp;CK</dt>
              <dd>
                {alert.tactics.map((tactic) => (
                  <span key={tactic} className="tag">
                    {label(tactic)}
                  </span>
                ))}
                {alert.techniques.map((technique) => (
                  <a
                    key={technique}
                    className="tag"
                    href={attackUrl(technique)}
                    target="_blank"
                    rel="noreferrer"
                  >
                    {technique}
                  </a>
                ))}
                {alert.tactics.length + alert.techniques.length === 0 && <span className="muted">—</span>}
              </dd>
              <dt>False positives</dt>
              <dd>
                <List items={alert.falsePositives} />
              </dd>
              <dt>References</dt>
              <dd>
                {alert.references.length === 0 ? (
                  <span className="muted">—</span>
                ) : (
                  <ul className="plain">
                    {alert.references.map((ref) => (
                      <li key={ref}>
                        {/^https?:\/\//.test(ref) ? (
                          <a href={ref} target="_blank" rel="noreferrer">
                            {ref}
                          </a>
                        ) : (
                          ref
                        )}
                      </li>
                    ))}
                  </ul>
                )}
              </dd>
            </dl>
          </div>
          <div className="panel">
            <h2>Matched fields</h2>
            <table className="kv">
              <tbody>
                {Object.entries(alert.matched).map(([field, value]) => (
                  <tr key={field}>
                    <th>{field}</th>
                    <td>
                      <code>{typeof value === 'string' ? value : JSON.stringify(value)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="panel">
            <h2>
              Events ({alert.events.length} of {alert.count.toLocaleString()})
            </h2>
            {alert.events.map((event) => (
              <details key={event.seq} className="event">
                <summary>
                  <span className="mono">{dateTime(event.time)}</span> {event.source} · {event.host ?? '—'} ·{' '}
                  {event.user ?? '—'}
                </summary>
                <pre>{JSON.stringify(event.original, null, 2)}</pre>
              </details>
            ))}
          </div>
        </div>
        <aside className="col-side">
          <div className="panel">
            <h2>Triage</h2>
            <dl className="facts">
              <dt>Count</dt>
              <dd>
                {alert.count.toLocaleString()}
                {alert.suppressedCount > 0 && (
                  <span className="muted"> (+{alert.suppressedCount} suppressed)</span>
                )}
              </dd>
              <dt>First seen</dt>
              <dd title={alert.firstSeen}>{dateTime(alert.firstSeen)}</dd>
              <dt>Last seen</dt>
              <dd title={alert.lastSeen}>{ago(alert.lastSeen)}</dd>
              <dt>SLA</dt>
              <dd>
                <SlaCell sla={alert.sla} status={alert.status} />
              </dd>
              <dt>Assignee</dt>
              <dd>{alert.assignee ?? <span className="muted">nobody</span>}</dd>
              <dt>Incident</dt>
              <dd>
                {alert.incidentId ? (
                  <Link to={`/incidents/${alert.incidentId}`}>IR-{alert.incidentId}</Link>
                ) : (
                  <span className="muted">—</span>
                )}
              </dd>
              {alert.closeComment && (
                <>
                  <dt>Closed</dt>
                  <dd>{alert.closeComment}</dd>
                </>
              )}
            </dl>
            {canWrite && (
              <form
                className="inline"
                onSubmit={(event) => {
                  event.preventDefault()
                  void run('assign', { assignee: assignee.trim() || null })
                }}
              >
                <input
                  name="assignee"
                  placeholder={`assign (e.g. ${me.name})`}
                  value={assignee}
                  onChange={(e) => setAssignee(e.target.value)}
                />
                <button type="submit">Assign</button>
                <button type="button" onClick={() => run('assign', { assignee: me.name })}>
                  Me
                </button>
              </form>
            )}
          </div>
          <div className="panel">
            <h2>Entities</h2>
            <dl className="facts">
              {entities.map(([kind, values]) => (
                <div key={kind} className="fact-row">
                  <dt>{kind}</dt>
                  <dd>
                    <List items={values} />
                  </dd>
                </div>
              ))}
            </dl>
          </div>
          <div className="panel">
            <h2>History and comments ({comments.length})</h2>
            <ol className="history">
              {alert.history.map((entry) => (
                <li key={`${entry.at}-${entry.action}-${entry.to ?? ''}`}>
                  <span className="muted mono">{dateTime(entry.at)}</span> <b>{entry.actor}</b>{' '}
                  {label(entry.action)}
                  {entry.to && (
                    <>
                      {' '}
                      → <i>{label(entry.to)}</i>
                    </>
                  )}
                  {entry.comment && <blockquote>{entry.comment}</blockquote>}
                </li>
              ))}
            </ol>
            {canWrite && (
              <form onSubmit={submitComment} className="stack">
                <textarea
                  name="comment"
                  rows={2}
                  placeholder="Add a comment"
                  value={comment}
                  onChange={(e) => setComment(e.target.value)}
                />
                <button type="submit" disabled={!comment.trim()}>
                  Comment
                </button>
              </form>
            )}
          </div>
        </aside>
      </div>
      {dialog === 'close' && (
        <CloseAlertsDialog
          alertIds={[alert.id]}
          onCancel={() => setDialog(null)}
          onDone={() => {
            setDialog(null)
            reload()
          }}
        />
      )}
      {dialog === 'incident' && <CreateIncidentDialog alerts={[alert]} onCancel={() => setDialog(null)} />}
      {dialog === 'exception' && (
        <AddExceptionDialog
          alert={alert}
          onCancel={() => setDialog(null)}
          onDone={() => {
            setDialog(null)
            reload()
          }}
        />
      )}
    </section>
  )
}
