import { useMemo, useState } from 'react'
import { SeverityBadge } from '../components/Badges'
import { HoursPicker } from '../components/HoursPicker'
import { ResponseMetricsPanels } from '../components/ResponseMetrics'
import { bucketTimes, SEVERITY_COLORS, TimeChart, type TimeSeries } from '../components/TimeChart'
import { label } from '../format'
import { useTitle } from '../router'
import { ALERT_STATUSES, SEVERITIES } from '../types'
import { useApi } from '../use-api'

interface AlertStats {
  since: string
  until: string
  bucketSeconds: number
  raised: { start: string; counts: Record<string, number> }[]
  open: { status: string; severity: string; alerts: number }[]
}

export function OverviewPage() {
  useTitle('Overview')
  const [hours, setHours] = useState(24)
  const { data, error } = useApi<AlertStats>(`/console/stats/alerts?hours=${hours}`)

  const chart = useMemo(() => {
    if (!data) return undefined
    const times = bucketTimes(data.since, data.until, data.bucketSeconds)
    const index = new Map(times.map((t, i) => [t, i]))
    const present = SEVERITIES.filter((severity) => data.raised.some((bucket) => bucket.counts[severity]))
    const series: TimeSeries[] = present.map((severity) => {
      const values: number[] = times.map(() => 0)
      for (const bucket of data.raised) {
        const at = index.get(new Date(bucket.start).getTime() / 1000)
        if (at !== undefined) values[at] = bucket.counts[severity] ?? 0
      }
      return { label: severity, color: SEVERITY_COLORS[severity] ?? '#8b949e', values }
    })
    return {
      times,
      series,
      total: data.raised.reduce((sum, b) => sum + Object.values(b.counts).reduce((s, n) => s + n, 0), 0),
    }
  }, [data])

  const open = data?.open ?? []
  const openTotal = open.reduce((sum, row) => sum + row.alerts, 0)
  const statuses = ALERT_STATUSES.filter((status) => status !== 'closed')
  const max = Math.max(
    1,
    ...statuses.map((status) => open.filter((r) => r.status === status).reduce((s, r) => s + r.alerts, 0)),
  )

  return (
    <section className="page">
      <header className="page-head">
        <h1>Overview</h1>
        <HoursPicker hours={hours} onChange={setHours} />
      </header>
      {error && <p className="error">{error}</p>}
      <div className="grid-2 wide-first">
        <div className="panel">
          <h2>
            Alerts raised by severity <span className="count">{chart?.total ?? 0}</span>
          </h2>
          {chart && chart.series.length > 0 ? (
            <TimeChart times={chart.times} series={chart.series} stacked height={220} />
          ) : (
            <p className="muted">No alerts raised in this window.</p>
          )}
        </div>
        <div className="panel">
          <h2>
            Open alerts by status <span className="count">{openTotal}</span>
          </h2>
          <div className="bars">
            {statuses.map((status) => {
              const rows = open.filter((row) => row.status === status)
              const total = rows.reduce((sum, row) => sum + row.alerts, 0)
              return (
                <div key={status} className="bar-row">
                  <span className="bar-label">{label(status)}</span>
                  <div className="bar-track">
                    {SEVERITIES.map((severity) => {
                      const count = rows.find((row) => row.severity === severity)?.alerts ?? 0
                      return count > 0 ? (
                        <div
                          key={severity}
                          className="bar-part"
                          title={`${count} ${severity}`}
                          style={{ width: `${(count / max) * 100}%`, background: SEVERITY_COLORS[severity] }}
                        />
                      ) : null
                    })}
                  </div>
                  <span className="num">{total}</span>
                </div>
              )
            })}
          </div>
          <div className="legend">
            {SEVERITIES.map((severity) => (
              <SeverityBadge key={severity} severity={severity} />
            ))}
          </div>
        </div>
      </div>
      <ResponseMetricsPanels hours={hours} />
    </section>
  )
}
