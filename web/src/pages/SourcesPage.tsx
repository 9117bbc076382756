import { useMemo, useState } from 'react'
import { HoursPicker } from '../components/HoursPicker'
import { bucketTimes, paletteColor, TimeChart, type TimeSeries } from '../components/TimeChart'
import { ago } from '../format'
import { useTitle } from '../router'
import type { Source } from '../types'
import { useApi } from '../use-api'

interface SourceStats {
  since: string
  until: string
  bucketSeconds: number
  sources: { source: string; points: { start: string; events: number }[] }[]
}

export function SourcesPage() {
  useTitle('Sources')
  const [hours, setHours] = useState(24)
  const sources = useApi<{ items: Source[] }>('/sources')
  const stats = useApi<SourceStats>(`/console/stats/sources?hours=${hours}`)

  const chart = useMemo(() => {
    const data = stats.data
    if (!data) return undefined
    const times = bucketTimes(data.since, data.until, data.bucketSeconds)
    const index = new Map(times.map((t, i) => [t, i]))
    const series: TimeSeries[] = data.sources.map((source, n) => {
      const values: number[] = times.map(() => 0)
      for (const point of source.points) {
        const at = index.get(new Date(point.start).getTime() / 1000)
        if (at !== undefined) values[at] = point.events
      }
      return { label: source.source, color: paletteColor(n), values }
    })
    return { times, series }
  }, [stats.data])

  return (
    <section className="page">
      <header className="page-head">
        <h1>Sources</h1>
        <HoursPicker hours={hours} onChange={setHours} />
      </header>
      <div className="panel">
        <h2>Events per source (by event time)</h2>
        {stats.error && <p className="error">{stats.error}</p>}
        {chart && chart.series.length > 0 ? (
          <TimeChart times={chart.times} series={chart.series} stacked />
        ) : (
          <p className="muted">No events in this window.</p>
        )}
      </div>
      {sources.error && <p className="error">{sources.error}</p>}
      <table className="grid">
        <thead>
          <tr>
            <th>State</th>
            <th>Source</th>
            <th>Parser</th>
            <th className="num">Events</th>
            <th className="num">Dead letters</th>
            <th>Last event</th>
            <th>Last received</th>
            <th>Expected every</th>
          </tr>
        </thead>
        <tbody>
          {(sources.data?.items ?? []).map((source) => (
            <tr key={source.id}>
              <td>
                {!source.enabled ? (
                  <span className="status status-closed">disabled</span>
                ) : source.silentSince ? (
                  <span className="status status-silent" title={`silent since ${source.silentSince}`}>
                    silent {ago(source.silentSince).replace(' ago', '')}
                  </span>
                ) : (
                  <span className="status status-ok">flowing</span>
                )}
              </td>
              <td className="rule">{source.name}</td>
              <td>{source.parser}</td>
              <td className="num">{source.eventsTotal.toLocaleString()}</td>
              <td className="num">
                {source.deadLettersTotal > 0 ? source.deadLettersTotal.toLocaleString() : '—'}
              </td>
              <td title={source.lastEventAt ?? ''}>{ago(source.lastEventAt)}</td>
              <td title={source.lastReceivedAt ?? ''}>{ago(source.lastReceivedAt)}</td>
              <td>
                {source.expectedIntervalSeconds
                  ? `${Math.round(source.expectedIntervalSeconds / 60)} min`
                  : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
