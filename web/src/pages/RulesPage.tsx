import { useState } from 'react'
import { errorText, post } from '../api'
import { SeverityBadge } from '../components/Badges'
import { useTitle } from '../router'
import type { Me, Rule } from '../types'
import { useApi } from '../use-api'

interface RulePage {
  total: number
  items: Rule[]
  loadedAt: string
  errors: number
}

const ROLE_RANK: Record<string, number> = { viewer: 0, analyst: 1, engineer: 2, admin: 3 }

export function RulesPage({ me }: { me: Me }) {
  useTitle('Rules')
  const [q, setQ] = useState('')
  const [state, setState] = useState('')
  const [offset, setOffset] = useState(0)
  const query = new URLSearchParams({ limit: '200', offset: String(offset) })
  if (q.trim()) query.set('q', q.trim())
  if (state) query.set('enabled', state)
  const { data, error, reload } = useApi<RulePage>(`/rules?${query}`)
  const [failure, setFailure] = useState<string>()
  const canEdit = (ROLE_RANK[me.role] ?? 0) >= ROLE_RANK.engineer!

  const toggle = async (rule: Rule) => {
    setFailure(undefined)
    let reason: string | undefined
    if (rule.enabled) {
      reason = window.prompt(`Why turn off “${rule.title}”?`) ?? undefined
      if (reason === undefined) return
    }
    try {
      await post(
        `/rules/${encodeURIComponent(rule.id)}/${rule.enabled ? 'disable' : 'enable'}`,
        reason ? { reason } : {},
      )
      reload()
    } catch (failed) {
      setFailure(errorText(failed))
    }
  }

  return (
    <section className="page">
      <header className="page-head">
        <h1>Rules</h1>
        <span className="muted">
          {data ? `${data.total} rules${data.errors ? `, ${data.errors} failed to load` : ''}` : ''}
        </span>
      </header>
      <div className="filters">
        <input
          name="q"
          placeholder="Title or id"
          value={q}
          onChange={(e) => {
            setQ(e.target.value)
            setOffset(0)
          }}
        />
        <select name="enabled" value={state} onChange={(e) => setState(e.target.value)} aria-label="State">
          <option value="">any state</option>
          <option value="true">enabled</option>
          <option value="false">disabled</option>
        </select>
        {data && data.total > 200 && (
          <span className="pager">
            <button
              type="button"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - 200))}
            >
              ←
            </button>
            {offset + 1}–{Math.min(offset + 200, data.total)}
            <button
              type="button"
              disabled={offset + 200 >= data.total}
              onClick={() => setOffset(offset + 200)}
            >
              →
            </button>
          </span>
        )}
      </div>
      {(error || failure) && <p className="error">{error ?? failure}</p>}
      <table className="grid">
        <thead>
          <tr>
            <th>Level</th>
            <th>Title</th>
            <th>Status</th>
            <th>Tags</th>
            <th>File</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          {(data?.items ?? []).map((rule) => (
            <tr key={rule.id} className={rule.enabled ? '' : 'dim'}>
              <td>{rule.level ? <SeverityBadge severity={rule.level} /> : '—'}</td>
              <td className="rule" title={rule.id}>
                {rule.title}
              </td>
              <td>{rule.status ?? '—'}</td>
              <td className="tags">{rule.tags.slice(0, 4).join(' ')}</td>
              <td className="mono muted">{rule.file.split('/').slice(-2).join('/')}</td>
              <td>
                {canEdit ? (
                  <button
                    type="button"
                    className={rule.enabled ? 'small' : 'small primary'}
                    onClick={() => toggle(rule)}
                    title={rule.disabledReason ?? ''}
                  >
                    {rule.enabled ? 'Disable' : 'Enable'}
                  </button>
                ) : rule.enabled ? (
                  'enabled'
                ) : (
                  'disabled'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
