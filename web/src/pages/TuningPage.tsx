import { useState } from 'react'
import { errorText, post } from '../api'
import { ago, dateTime } from '../format'
import { useTitle } from '../router'
import type { Me } from '../types'
import { useApi } from '../use-api'

interface AlertException {
  id: number
  ruleId: string | null
  matchers: { field: string; op: string; value: string; negate: boolean }[]
  owner: string
  reason: string
  expiresAt: string
  createdBy: string
  createdAt: string
  state: 'active' | 'expired'
  expiringSoon: boolean
  hitCount: number
  lastHitAt: string | null
}

interface Silence {
  id: number
  matchers: { field: string; op: string; value: string }[]
  startsAt: string
  endsAt: string
  author: string
  comment: string
  state: 'pending' | 'active' | 'ended'
  matchedCount: number
}

const OPS: Record<string, string> = { equals: '=', contains: '∋', regex: '=~' }

/**
 * What keeps alerts from being raised or notified: exceptions (known-good patterns, with an owner,
 * a reason, an expiry and their hit counts) and silences (maintenance windows). Reviewed here and
 * ended early when they no longer hold.
 */
export function TuningPage({ me }: { me: Me }) {
  useTitle('Tuning')
  const [state, setState] = useState('active')
  const exceptions = useApi<{ items: AlertException[] }>(`/exceptions?state=${state}`)
  const silences = useApi<{ items: Silence[] }>('/silences')
  const [failure, setFailure] = useState<string>()
  const canEdit = me.role !== 'viewer'

  const expire = async (path: string, reload: () => void) => {
    setFailure(undefined)
    try {
      await post(path, {})
      reload()
    } catch (reason) {
      setFailure(errorText(reason))
    }
  }

  return (
    <section className="page">
      <header className="page-head">
        <h1>Tuning</h1>
        <span className="muted">exceptions and silences</span>
      </header>
      {(exceptions.error || silences.error || failure) && (
        <p className="error">{exceptions.error ?? silences.error ?? failure}</p>
      )}
      <div className="panel">
        <h2>
          Exceptions
          <select
            name="state"
            value={state}
            onChange={(e) => setState(e.target.value)}
            aria-label="Exception state"
          >
            <option value="active">active</option>
            <option value="expired">expired</option>
            <option value="all">all</option>
          </select>
        </h2>
        <table className="grid exceptions">
          <thead>
            <tr>
              <th>Rule</th>
              <th>When a detection has</th>
              <th>Reason</th>
              <th>Owner</th>
              <th>Expires</th>
              <th>Hits</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(exceptions.data?.items ?? []).map((item) => (
              <tr key={item.id} data-exception-id={item.id} className={item.state === 'expired' ? 'dim' : ''}>
                <td className="mono">{item.ruleId ?? 'every rule'}</td>
                <td>
                  {item.matchers.map((matcher) => (
                    <div key={`${matcher.field}${matcher.op}${matcher.value}`}>
                      <span className="mono">{matcher.field}</span> {matcher.negate ? 'not ' : ''}
                      {OPS[matcher.op] ?? matcher.op} <code>{matcher.value}</code>
                    </div>
                  ))}
                </td>
                <td>{item.reason}</td>
                <td>{item.owner}</td>
                <td title={dateTime(item.expiresAt)}>
                  {item.state === 'expired' ? 'expired' : dateTime(item.expiresAt).slice(0, 10)}
                  {item.expiringSoon && <span className="tag sev-medium">soon</span>}
                </td>
                <td>
                  {item.hitCount}
                  {item.lastHitAt && <span className="muted"> · {ago(item.lastHitAt)}</span>}
                </td>
                <td>
                  {canEdit && item.state === 'active' && (
                    <button
                      type="button"
                      className="small"
                      onClick={() => expire(`/exceptions/${item.id}/expire`, exceptions.reload)}
                    >
                      Expire
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {exceptions.data?.items.length === 0 && <p className="muted">None.</p>}
      </div>
      <div className="panel">
        <h2>Silences</h2>
        <table className="grid silences">
          <thead>
            <tr>
              <th>Matching</th>
              <th>Comment</th>
              <th>Author</th>
              <th>Window</th>
              <th>Matched</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(silences.data?.items ?? []).map((item) => (
              <tr key={item.id} data-silence-id={item.id}>
                <td>
                  {item.matchers.map((matcher) => (
                    <div key={`${matcher.field}${matcher.op}${matcher.value}`}>
                      <span className="mono">{matcher.field}</span> {matcher.op} <code>{matcher.value}</code>
                    </div>
                  ))}
                </td>
                <td>{item.comment}</td>
                <td>{item.author}</td>
                <td>
                  {item.state === 'pending' ? 'from ' : ''}
                  {dateTime(item.startsAt)} → {dateTime(item.endsAt)}
                </td>
                <td>{item.matchedCount}</td>
                <td>
                  {canEdit && item.state !== 'ended' && (
                    <button
                      type="button"
                      className="small"
                      onClick={() => expire(`/silences/${item.id}/expire`, silences.reload)}
                    >
                      End now
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {silences.data?.items.length === 0 && <p className="muted">None.</p>}
      </div>
    </section>
  )
}
