import { useEffect, useState } from 'react'
import { api, errorText, post } from '../api'
import { dateTime, duration, label } from '../format'
import { Link, useTitle } from '../router'
import { useApi } from '../use-api'

interface Rca {
  incidentId: number
  version: number
  saved: boolean
  state: 'draft' | 'in_review' | 'approved'
  summary: string
  impact: string
  detection: {
    description: string
    ttdMs: number | null
    ttaMs: number | null
    ttcMs: number | null
    ttrMs: number | null
  }
  keyEvents: { id: number; occurredAt: string; kind: string; title: string; actor: string }[]
  rootCause: string
  contributingFactors: string[]
  wentWell: string[]
  wentBadly: string[]
  actionItems: { taskId: number; title: string; owner: string | null; status: string }[]
  authors: string[]
  review: { submittedBy: string | null; reviewedBy: string | null; comment: string | null }
}

/** The written parts of an RCA, as the form holds them (lists one item per line). */
interface Draft {
  summary: string
  impact: string
  rootCause: string
  contributingFactors: string
  wentWell: string
  wentBadly: string
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)

function draftOf(rca: Rca): Draft {
  return {
    summary: rca.summary,
    impact: rca.impact,
    rootCause: rca.rootCause,
    contributingFactors: rca.contributingFactors.join('\n'),
    wentWell: rca.wentWell.join('\n'),
    wentBadly: rca.wentBadly.join('\n'),
  }
}

const FIELDS: { key: keyof Draft; title: string; rows: number; hint: string }[] = [
  { key: 'summary', title: 'Summary', rows: 3, hint: 'What happened, in a few sentences' },
  { key: 'impact', title: 'Impact', rows: 3, hint: 'Who and what was affected, for how long' },
  { key: 'rootCause', title: 'Root cause', rows: 4, hint: 'The underlying cause, not the trigger' },
  { key: 'contributingFactors', title: 'Contributing factors', rows: 3, hint: 'One per line' },
  { key: 'wentWell', title: 'What went well', rows: 3, hint: 'One per line' },
  { key: 'wentBadly', title: 'What went badly', rows: 3, hint: 'One per line' },
]

/**
 * The root-cause analysis of an incident: pre-filled from the incident (detection times, key
 * events, follow-up tasks as action items), written by analysts (saves carry the version read,
 * so two writers cannot overwrite each other), submitted for review and approved by someone who
 * did not write it. Actions wait while the RCA is re-read after a change: a review sent with the
 * version from before a save was refused as a conflict.
 */
export function RcaPage({ incidentId }: { incidentId: number }) {
  useTitle(`RCA of IR-${incidentId}`)
  const { data: rca, error, loading, reload } = useApi<Rca>(`/incidents/${incidentId}/rca`)
  const [draft, setDraft] = useState<Draft>()
  const [comment, setComment] = useState('')
  const [failure, setFailure] = useState<string>()
  const [saved, setSaved] = useState(false)
  useEffect(() => {
    if (rca) setDraft(draftOf(rca))
  }, [rca])

  const attempt = async (work: () => Promise<unknown>) => {
    setFailure(undefined)
    setSaved(false)
    try {
      await work()
      reload()
      return true
    } catch (reason) {
      setFailure(errorText(reason))
      return false
    }
  }
  if (error) return <p className="error">{error}</p>
  if (!rca || !draft) return <p className="muted">Loading…</p>
  const editable = rca.saved && rca.state === 'draft'
  const save = () =>
    attempt(() =>
      api(`/incidents/${incidentId}/rca`, {
        method: 'PATCH',
        body: {
          version: rca.version,
          summary: draft.summary,
          impact: draft.impact,
          rootCause: draft.rootCause,
          contributingFactors: lines(draft.contributingFactors),
          wentWell: lines(draft.wentWell),
          wentBadly: lines(draft.wentBadly),
        },
      }),
    ).then((ok) => setSaved(ok))
  const review = (action: 'submit' | 'approve' | 'return') =>
    attempt(() =>
      post(`/incidents/${incidentId}/rca/review`, {
        action,
        version: rca.version,
        ...(comment.trim() ? { comment } : {}),
      }),
    ).then(() => setComment(''))

  return (
    <section className="page rca">
      <header className="page-head">
        <Link to={`/incidents/${incidentId}`} className="back">
          ← IR-{incidentId}
        </Link>
        <h1>Root-cause analysis</h1>
        <span className="tag rca-state">{rca.saved ? label(rca.state) : 'not started'}</span>
        {rca.saved && (
          <span className="muted">
            version {rca.version} · by {rca.authors.join(', ') || '—'}
            {rca.review.reviewedBy ? ` · approved by ${rca.review.reviewedBy}` : ''}
          </span>
        )}
      </header>
      {failure && <p className="error">{failure}</p>}
      <div className="columns">
        <div className="col-main">
          {!rca.saved && (
            <div className="panel">
              <p>
                The draft below is filled from the incident. Start the analysis to write it and keep its
                versions.
              </p>
              <button
                type="button"
                className="primary"
                onClick={() => attempt(() => post(`/incidents/${incidentId}/rca`))}
              >
                Start the RCA
              </button>
            </div>
          )}
          <form
            className="panel stack"
            onSubmit={(event) => {
              event.preventDefault()
              void save()
            }}
          >
            {FIELDS.map((field) => (
              <label key={field.key}>
                {field.title}
                <textarea
                  name={field.key}
                  rows={field.rows}
                  placeholder={field.hint}
                  value={draft[field.key]}
                  readOnly={!editable}
                  onChange={(e) => setDraft({ ...draft, [field.key]: e.target.value })}
                />
              </label>
            ))}
            {editable && (
              <div className="actions">
                <button type="submit" disabled={loading}>
                  Save
                </button>
                {saved && !loading && <span className="muted">saved as version {rca.version}</span>}
              </div>
            )}
          </form>
          {rca.saved && rca.state !== 'approved' && (
            <div className="panel stack review">
              <h2>Review</h2>
              <textarea
                name="reviewComment"
                rows={2}
                placeholder="Comment for the authors (optional)"
                value={comment}
                onChange={(e) => setComment(e.target.value)}
              />
              <div className="actions">
                {rca.state === 'draft' && (
                  <button
                    type="button"
                    className="primary"
                    disabled={loading}
                    onClick={() => review('submit')}
                  >
                    Submit for review
                  </button>
                )}
                {rca.state === 'in_review' && (
                  <>
                    <button
                      type="button"
                      className="primary"
                      disabled={loading}
                      onClick={() => review('approve')}
                    >
                      Approve
                    </button>
                    <button type="button" disabled={loading} onClick={() => review('return')}>
                      Return to the authors
                    </button>
                  </>
                )}
              </div>
            </div>
          )}
        </div>
        <aside className="col-side">
          <div className="panel">
            <h2>Detection and response</h2>
            <table className="kv">
              <tbody>
                <tr>
                  <th>to detect</th>
                  <td>{duration(rca.detection.ttdMs)}</td>
                </tr>
                <tr>
                  <th>to acknowledge</th>
                  <td>{duration(rca.detection.ttaMs)}</td>
                </tr>
                <tr>
                  <th>to contain</th>
                  <td>{duration(rca.detection.ttcMs)}</td>
                </tr>
                <tr>
                  <th>to resolve</th>
                  <td>{duration(rca.detection.ttrMs)}</td>
                </tr>
              </tbody>
            </table>
          </div>
          <div className="panel">
            <h2>Key events</h2>
            <ol className="timeline">
              {rca.keyEvents.map((event) => (
                <li key={event.id}>
                  <span className="mono muted">{dateTime(event.occurredAt)}</span>{' '}
                  <span className="tag">{label(event.kind)}</span> {event.title}
                </li>
              ))}
            </ol>
            {rca.keyEvents.length === 0 && <p className="muted">Star timeline entries to list them here.</p>}
          </div>
          <div className="panel">
            <h2>Action items</h2>
            <ul className="plain">
              {rca.actionItems.map((item) => (
                <li key={item.taskId}>
                  {item.title}
                  <span className="muted">
                    {' '}
                    · {label(item.status)}
                    {item.owner ? ` · ${item.owner}` : ''}
                  </span>
                </li>
              ))}
            </ul>
            {rca.actionItems.length === 0 && (
              <p className="muted">Follow-up tasks of the incident show here.</p>
            )}
          </div>
        </aside>
      </div>
    </section>
  )
}
