import { useState } from 'react'
import { SeverityBadge, StatusBadge } from '../components/Badges'
import { ago } from '../format'
import { useHotkeys } from '../keys'
import { Link, navigate, useTitle } from '../router'
import { INCIDENT_PHASES, type Incident } from '../types'
import { useApi } from '../use-api'

const OPEN = INCIDENT_PHASES.filter((phase) => phase !== 'closed').join(',')

export function IncidentsPage() {
  useTitle('Incidents')
  const [filter, setFilter] = useState<'open' | 'closed' | 'all'>('open')
  const status = filter === 'open' ? OPEN : filter === 'closed' ? 'closed' : ''
  const { data, error } = useApi<{ items: Incident[] }>(
    `/incidents?limit=200${status ? `&status=${status}` : ''}`,
  )
  const [cursor, setCursor] = useState(0)
  const items = data?.items ?? []
  useHotkeys({
    j: () => setCursor((n) => Math.min(n + 1, Math.max(items.length - 1, 0))),
    k: () => setCursor((n) => Math.max(n - 1, 0)),
    enter: () => items[cursor] && navigate(`/incidents/${items[cursor]!.id}`),
  })
  return (
    <section className="page">
      <header className="page-head">
        <h1>Incidents</h1>
        <div className="segmented">
          {(['open', 'closed', 'all'] as const).map((value) => (
            <button
              key={value}
              type="button"
              className={filter === value ? 'on' : ''}
              onClick={() => setFilter(value)}
            >
              {value}
            </button>
          ))}
        </div>
      </header>
      {error && <p className="error">{error}</p>}
      <table className="grid">
        <thead>
          <tr>
            <th>ID</th>
            <th>Sev</th>
            <th>Title</th>
            <th>Phase</th>
            <th>Owner</th>
            <th>TLP</th>
            <th>Opened</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {items.map((incident, index) => (
            <tr
              key={incident.id}
              className={index === cursor ? 'cursor' : ''}
              onClick={() => setCursor(index)}
            >
              <td className="mono">IR-{incident.id}</td>
              <td>
                <SeverityBadge severity={incident.severity} />
              </td>
              <td className="rule">
                <Link to={`/incidents/${incident.id}`}>{incident.title}</Link>
              </td>
              <td>
                <StatusBadge status={incident.status} />
              </td>
              <td>{incident.owner ?? <span className="muted">—</span>}</td>
              <td>{incident.tlp}</td>
              <td title={incident.createdAt}>{ago(incident.createdAt)}</td>
              <td title={incident.updatedAt}>{ago(incident.updatedAt)}</td>
            </tr>
          ))}
          {data && items.length === 0 && (
            <tr>
              <td colSpan={8} className="empty">
                No incidents here.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  )
}
