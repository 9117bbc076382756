import { useEffect, useMemo, useRef, useState } from 'react'
import { errorText, post } from '../api'
import { CloseAlertsDialog, CreateIncidentDialog } from '../components/AlertDialogs'
import { SeverityBadge, SlaCell, StatusBadge } from '../components/Badges'
import { ago, first } from '../format'
import { useHotkeys } from '../keys'
import { navigate, useTitle } from '../router'
import { type Alert, type Me, SEVERITIES } from '../types'
import { useAlertStream } from '../use-alert-stream'
import { useApi } from '../use-api'

const STATUS_FILTERS: Record<string, string> = {
  open: 'new,acknowledged,in_progress',
  new: 'new',
  acknowledged: 'acknowledged',
  in_progress: 'in_progress',
  closed: 'closed',
  all: '',
}

interface Page {
  items: Alert[]
  nextCursor: string | null
}

export function AlertQueuePage({ me }: { me: Me }) {
  useTitle('Alerts')
  const [status, setStatus] = useState('open')
  const [severity, setSeverity] = useState('')
  const [rule, setRule] = useState('')
  const [host, setHost] = useState('')
  const [sort, setSort] = useState('risk_desc')
  const [cursor, setCursor] = useState(0)
  const [selected, setSelected] = useState<Set<number>>(new Set())
  const [dialog, setDialog] = useState<'close' | 'incident' | null>(null)
  const [notice, setNotice] = useState<string>()
  const filterInput = useRef<HTMLInputElement>(null)
  const table = useRef<HTMLTableSectionElement>(null)
  const canWrite = me.role !== 'viewer'

  const query = new URLSearchParams({ sort, limit: '500' })
  if (STATUS_FILTERS[status]) query.set('status', STATUS_FILTERS[status])
  if (severity) query.set('severity', severity)
  if (rule.trim()) query.set('q', rule.trim())
  const { data, error, reload } = useApi<Page>(`/alerts?${query}`)
  useAlertStream(reload)

  // Host matches part of a name as it is typed, over the loaded page (up to 500 alerts); the API's
  // `host=` filter takes whole names, for links and scripts.
  const alerts = useMemo(() => {
    const needle = host.trim().toLowerCase()
    const items = data?.items ?? []
    return needle
      ? items.filter((alert) => (alert.entities.hosts ?? []).some((h) => h.toLowerCase().includes(needle)))
      : items
  }, [data, host])
  const current = alerts[Math.min(cursor, alerts.length - 1)]

  // Keep the cursor row in view as j/k move it (the row is found in the DOM after render).
  useEffect(() => {
    void cursor
    table.current?.querySelector('tr.cursor')?.scrollIntoView({ block: 'nearest' })
  }, [cursor])

  const targets = () =>
    selected.size > 0 ? alerts.filter((a) => selected.has(a.id)) : current ? [current] : []
  const act = async (action: 'acknowledge' | 'assign', list: Alert[]) => {
    if (!canWrite || list.length === 0) return
    const body = action === 'assign' ? { assignee: me.name } : {}
    try {
      if (list.length === 1) await post(`/alerts/${list[0]!.id}/${action}`, body)
      else await post('/alerts/bulk', { ids: list.map((a) => a.id), action, ...body })
      setNotice(
        `${action === 'acknowledge' ? 'Acknowledged' : `Assigned to ${me.name}:`} ${list.map((a) => `#${a.id}`).join(', ')}`,
      )
      setSelected(new Set())
      reload()
    } catch (reason) {
      setNotice(errorText(reason))
    }
  }

  useHotkeys(
    {
      j: () => setCursor((n) => Math.min(n + 1, Math.max(alerts.length - 1, 0))),
      k: () => setCursor((n) => Math.max(n - 1, 0)),
      arrowdown: () => setCursor((n) => Math.min(n + 1, Math.max(alerts.length - 1, 0))),
      arrowup: () => setCursor((n) => Math.max(n - 1, 0)),
      x: () => {
        if (!current) return
        const next = new Set(selected)
        if (next.has(current.id)) next.delete(current.id)
        else next.add(current.id)
        setSelected(next)
      },
      a: () => void act('acknowledge', targets()),
      m: () => void act('assign', targets()),
      c: () => canWrite && targets().length > 0 && setDialog('close'),
      n: () => canWrite && targets().length > 0 && setDialog('incident'),
      '/': () => filterInput.current?.focus(),
      enter: () => current && navigate(`/alerts/${current.id}`),
      r: reload,
    },
    dialog === null,
  )

  const toggle = (id: number) => {
    const next = new Set(selected)
    if (next.has(id)) next.delete(id)
    else next.add(id)
    setSelected(next)
  }

  return (
    <section className="page">
      <header className="page-head">
        <h1>Alert queue</h1>
        <span className="muted">
          {alerts.length} shown{selected.size > 0 ? `, ${selected.size} selected` : ''}
        </span>
        <div className="spacer" />
        {canWrite && (
          <>
            <button type="button" onClick={() => act('acknowledge', targets())} disabled={!current}>
              Acknowledge <kbd>a</kbd>
            </button>
            <button type="button" onClick={() => setDialog('close')} disabled={!current}>
              Close <kbd>c</kbd>
            </button>
            <button type="button" onClick={() => setDialog('incident')} disabled={!current}>
              New incident <kbd>n</kbd>
            </button>
          </>
        )}
      </header>
      <div className="filters">
        <input
          ref={filterInput}
          name="rule"
          placeholder="Rule title  ( / )"
          value={rule}
          onChange={(e) => {
            setRule(e.target.value)
            setCursor(0)
          }}
          onKeyDown={(e) => e.key === 'Escape' && e.currentTarget.blur()}
        />
        <input
          name="host"
          placeholder="Host"
          value={host}
          onChange={(e) => {
            setHost(e.target.value)
            setCursor(0)
          }}
          onKeyDown={(e) => e.key === 'Escape' && e.currentTarget.blur()}
        />
        <select name="status" value={status} onChange={(e) => setStatus(e.target.value)} aria-label="Status">
          {Object.keys(STATUS_FILTERS).map((value) => (
            <option key={value} value={value}>
              {value.replace('_', ' ')}
            </option>
          ))}
        </select>
        <select
          name="severity"
          value={severity}
          onChange={(e) => setSeverity(e.target.value)}
          aria-label="Severity"
        >
          <option value="">any severity</option>
          {SEVERITIES.map((value) => (
            <option key={value}>{value}</option>
          ))}
        </select>
        <select name="sort" value={sort} onChange={(e) => setSort(e.target.value)} aria-label="Order">
          <option value="risk_desc">riskiest first</option>
          <option value="last_seen_desc">last seen first</option>
          <option value="created_desc">newest first</option>
          <option value="created_asc">oldest first</option>
        </select>
        <span className="hint">
          j/k move · x select · a ack · m mine · c close · n incident · Enter open · / filter
        </span>
      </div>
      {notice && (
        <output className="notice" onAnimationEnd={() => setNotice(undefined)}>
          {notice}
        </output>
      )}
      {error && <p className="error">{error}</p>}
      <table className="grid">
        <thead>
          <tr>
            <th className="pick" aria-label="Selected" />
            <th>Sev</th>
            <th>Rule</th>
            <th>Host</th>
            <th>User</th>
            <th className="num">Count</th>
            <th>Status</th>
            <th>Assignee</th>
            <th>Last seen</th>
            <th>SLA</th>
          </tr>
        </thead>
        <tbody ref={table}>
          {alerts.map((alert, index) => (
            <tr
              key={alert.id}
              data-alert-id={alert.id}
              className={`${index === cursor ? 'cursor' : ''} ${selected.has(alert.id) ? 'picked' : ''}`}
              onClick={() => setCursor(index)}
              onDoubleClick={() => navigate(`/alerts/${alert.id}`)}
            >
              <td className="pick">
                <input
                  type="checkbox"
                  aria-label={`Select alert ${alert.id}`}
                  checked={selected.has(alert.id)}
                  onChange={() => toggle(alert.id)}
                />
              </td>
              <td className="sev-cell">
                <SeverityBadge severity={alert.severity} />
              </td>
              <td className="rule">
                <a
                  href={`/alerts/${alert.id}`}
                  onClick={(e) => {
                    e.preventDefault()
                    navigate(`/alerts/${alert.id}`)
                  }}
                >
                  {alert.ruleTitle}
                </a>
                {alert.incidentId !== null && <span className="tag">IR-{alert.incidentId}</span>}
              </td>
              <td>{first(alert.entities.hosts)}</td>
              <td>{first(alert.entities.users)}</td>
              <td className="num">{alert.count.toLocaleString()}</td>
              <td>
                <StatusBadge status={alert.status} />
              </td>
              <td className="assignee">{alert.assignee ?? <span className="muted">—</span>}</td>
              <td title={alert.lastSeen}>{ago(alert.lastSeen)}</td>
              <td>
                <SlaCell sla={alert.sla} status={alert.status} />
              </td>
            </tr>
          ))}
          {data && alerts.length === 0 && (
            <tr>
              <td colSpan={10} className="empty">
                No alerts match. Quiet floor.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {data?.nextCursor && (
        <p className="muted">
          The first {data.items.length} alerts are shown, in this order; filter to narrow the queue.
        </p>
      )}
      {dialog === 'close' && (
        <CloseAlertsDialog
          alertIds={targets().map((a) => a.id)}
          onCancel={() => setDialog(null)}
          onDone={() => {
            setDialog(null)
            setSelected(new Set())
            setNotice('Closed')
            reload()
          }}
        />
      )}
      {dialog === 'incident' && <CreateIncidentDialog alerts={targets()} onCancel={() => setDialog(null)} />}
    </section>
  )
}
