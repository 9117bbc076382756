import { useState } from 'react'
import { SeverityBadge, StatusBadge } from '../components/Badges'
import { ago, dateTime, label } from '../format'
import { Link, useTitle } from '../router'
import { SEVERITIES } from '../types'
import { useApi } from '../use-api'

interface Brief {
  since: string
  until: string
  alerts: {
    newCount: number
    stillOpen: number
    bySeverity: Record<string, { new: number; open: number }>
    topRules: { ruleId: string; title: string; severity: string; alerts: number; events: number }[]
    unassignedCritical: {
      id: number
      title: string
      severity: string
      host: string | null
      firstSeen: string
    }[]
    silenced: number
  }
  incidents: {
    opened: { id: number; title: string; severity: string; status: string }[]
    changed: { id: number; title: string; status: string; updatedAt: string }[]
    closed: { id: number; title: string; resolution: string | null }[]
    open: number
  }
  followUps: {
    due: {
      id: number
      incidentId: number
      title: string
      owner: string | null
      dueAt: string | null
      overdue: boolean
    }[]
  }
  silences: { expiringSoon: { id: number; endsAt: string; comment: string; author: string }[] }
  sources: { silent: { name: string; silentSince: string; lastReceivedAt: string | null }[] }
}

const PERIODS = ['8h', '24h', '72h', '7d', 'monday', 'yesterday']

function Section({ title, count, children }: { title: string; count: number; children: React.ReactNode }) {
  return (
    <div className="panel">
      <h2>
        {title} <span className="count">{count}</span>
      </h2>
      {count === 0 ? <p className="muted">Nothing.</p> : children}
    </div>
  )
}

export function BriefPage() {
  useTitle('Since you were away')
  const [since, setSince] = useState('24h')
  const [custom, setCustom] = useState('')
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone
  const { data: brief, error } = useApi<Brief>(
    `/brief?since=${encodeURIComponent(since)}&tz=${encodeURIComponent(tz)}`,
  )
  return (
    <section className="page">
      <header className="page-head">
        <h1>Since you were away</h1>
        <div className="segmented">
          {PERIODS.map((period) => (
            <button
              key={period}
              type="button"
              className={since === period ? 'on' : ''}
              onClick={() => setSince(period)}
            >
              {period}
            </button>
          ))}
        </div>
        <form
          className="inline"
          onSubmit={(event) => {
            event.preventDefault()
            if (custom.trim()) setSince(custom.trim())
          }}
        >
          <input
            name="since"
            placeholder="3d, friday, 2026-11-28…"
            value={custom}
            onChange={(e) => setCustom(e.target.value)}
          />
        </form>
      </header>
      {error && <p className="error">{error}</p>}
      {brief && (
        <>
          <p className="muted">
            {dateTime(brief.since)} → {dateTime(brief.until)} UTC
          </p>
          <div className="stats">
            <div className="stat">
              <b>{brief.alerts.newCount}</b> new alerts
            </div>
            <div className="stat">
              <b>{brief.alerts.stillOpen}</b> still open
            </div>
            <div className="stat">
              <b>{brief.incidents.open}</b> open incidents
            </div>
            <div className="stat">
              <b>{brief.followUps.due.length}</b> follow-ups due
            </div>
            <div className="stat">
              <b>{brief.sources.silent.length}</b> silent sources
            </div>
            <div className="stat">
              <b>{brief.alerts.silenced}</b> silenced
            </div>
          </div>
          <div className="grid-2">
            <Section title="Alerts by severity" count={brief.alerts.newCount + brief.alerts.stillOpen}>
              <table className="kv">
                <thead>
                  <tr>
                    <th />
                    <th className="num">new</th>
                    <th className="num">open</th>
                  </tr>
                </thead>
                <tbody>
                  {SEVERITIES.filter((s) => brief.alerts.bySeverity[s]).map((severity) => (
                    <tr key={severity}>
                      <th>
                        <SeverityBadge severity={severity} />
                      </th>
                      <td className="num">{brief.alerts.bySeverity[severity]!.new}</td>
                      <td className="num">{brief.alerts.bySeverity[severity]!.open}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Section>
            <Section title="Unassigned critical" count={brief.alerts.unassignedCritical.length}>
              <ul className="plain">
                {brief.alerts.unassignedCritical.map((alert) => (
                  <li key={alert.id}>
                    <SeverityBadge severity={alert.severity} />{' '}
                    <Link to={`/alerts/${alert.id}`}>
                      #{alert.id} {alert.title}
                    </Link>{' '}
                    <span className="muted">
                      {alert.host ?? ''} · {ago(alert.firstSeen)}
                    </span>
                  </li>
                ))}
              </ul>
            </Section>
            <Section title="Top rules" count={brief.alerts.topRules.length}>
              <table className="kv">
                <tbody>
                  {brief.alerts.topRules.map((rule) => (
                    <tr key={rule.ruleId}>
                      <th>
                        <SeverityBadge severity={rule.severity} />
                      </th>
                      <td>{rule.title}</td>
                      <td className="num">{rule.alerts} alerts</td>
                      <td className="num muted">{rule.events.toLocaleString()} events</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Section>
            <Section
              title="Incidents"
              count={
                brief.incidents.opened.length + brief.incidents.changed.length + brief.incidents.closed.length
              }
            >
              <ul className="plain">
                {brief.incidents.opened.map((incident) => (
                  <li key={`o${incident.id}`}>
                    <span className="tag">opened</span>{' '}
                    <Link to={`/incidents/${incident.id}`}>
                      IR-{incident.id} {incident.title}
                    </Link>{' '}
                    <StatusBadge status={incident.status} />
                  </li>
                ))}
                {brief.incidents.changed.map((incident) => (
                  <li key={`c${incident.id}`}>
                    <span className="tag">changed</span>{' '}
                    <Link to={`/incidents/${incident.id}`}>
                      IR-{incident.id} {incident.title}
                    </Link>{' '}
                    <StatusBadge status={incident.status} />{' '}
                    <span className="muted">{ago(incident.updatedAt)}</span>
                  </li>
                ))}
                {brief.incidents.closed.map((incident) => (
                  <li key={`x${incident.id}`}>
                    <span className="tag">closed</span>{' '}
                    <Link to={`/incidents/${incident.id}`}>
                      IR-{incident.id} {incident.title}
                    </Link>{' '}
                    <span className="muted">{incident.resolution ? label(incident.resolution) : ''}</span>
                  </li>
                ))}
              </ul>
            </Section>
            <Section title="Follow-ups due" count={brief.followUps.due.length}>
              <ul className="plain">
                {brief.followUps.due.map((task) => (
                  <li key={task.id} className={task.overdue ? 'overdue' : ''}>
                    <Link to={`/incidents/${task.incidentId}`}>IR-{task.incidentId}</Link> {task.title}{' '}
                    <span className="muted">
                      {task.owner ?? 'unowned'} ·{' '}
                      {task.dueAt ? `due ${dateTime(task.dueAt).slice(0, 10)}` : 'no due date'}
                      {task.overdue ? ' · overdue' : ''}
                    </span>
                  </li>
                ))}
              </ul>
            </Section>
            <Section title="Silent sources" count={brief.sources.silent.length}>
              <ul className="plain">
                {brief.sources.silent.map((source) => (
                  <li key={source.name}>
                    <Link to="/sources">{source.name}</Link>{' '}
                    <span className="muted">silent since {ago(source.silentSince)}</span>
                  </li>
                ))}
              </ul>
            </Section>
            <Section title="Silences expiring soon" count={brief.silences.expiringSoon.length}>
              <ul className="plain">
                {brief.silences.expiringSoon.map((silence) => (
                  <li key={silence.id}>
                    #{silence.id} {silence.comment}{' '}
                    <span className="muted">
                      {silence.author} · ends {ago(silence.endsAt)}
                    </span>
                  </li>
                ))}
              </ul>
            </Section>
          </div>
        </>
      )}
    </section>
  )
}
