import { useMemo } from 'react'
import { duration } from '../format'
import { useApi } from '../use-api'

interface Summary {
  incidents: number
  mttdMs: number | null
  mttaMs: number | null
  mttcMs: number | null
  mttrMs: number | null
}
interface ResponseMetrics {
  overall: Summary
  falsePositives: {
    ruleId: string
    ruleTitle: string
    closed: number
    falsePositives: number
    rate: number | null
  }[]
}

/**
 * Mean times to detect, acknowledge, contain and resolve, and the noisiest rules, from
 * /api/v1/metrics/response. A server without that API shows nothing here rather than an error.
 */
export function ResponseMetricsPanels({ hours }: { hours: number }) {
  // Fixed to the minute so the request does not change on every render.
  const from = useMemo(() => {
    const minute = Math.floor(Date.now() / 60_000) * 60_000
    return new Date(minute - hours * 3_600_000).toISOString()
  }, [hours])
  const { data } = useApi<ResponseMetrics>(`/metrics/response?from=${encodeURIComponent(from)}`)
  if (!data) return null
  const noisy = data.falsePositives
    .filter((rule) => rule.closed > 0)
    .sort((a, b) => (b.rate ?? 0) - (a.rate ?? 0) || b.closed - a.closed)
    .slice(0, 8)
  const { overall } = data
  return (
    <div className="grid-2 wide-first">
      <div className="panel">
        <h2>
          Response times{' '}
          <span className="count">
            {overall.incidents} incident{overall.incidents === 1 ? '' : 's'}
          </span>
        </h2>
        <div className="stats">
          {(
            [
              ['MTTD', overall.mttdMs, 'first event to first alert'],
              ['MTTA', overall.mttaMs, 'alert to acknowledged'],
              ['MTTC', overall.mttcMs, 'detected to contained'],
              ['MTTR', overall.mttrMs, 'detected to resolved'],
            ] as const
          ).map(([name, value, what]) => (
            <div key={name} className="stat" title={what}>
              <b>{duration(value)}</b> {name}
            </div>
          ))}
        </div>
      </div>
      <div className="panel">
        <h2>False-positive rate by rule</h2>
        {noisy.length === 0 ? (
          <p className="muted">No closed alerts in this window.</p>
        ) : (
          <table className="kv">
            <tbody>
              {noisy.map((rule) => (
                <tr key={rule.ruleId}>
                  <td>{rule.ruleTitle}</td>
                  <td className="num">{rule.rate === null ? '—' : `${Math.round(rule.rate * 100)}%`}</td>
                  <td className="num muted">
                    {rule.falsePositives}/{rule.closed}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  )
}
