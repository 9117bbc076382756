import { post } from '../api'
import { ago, byteSize, dateTime, label } from '../format'
import { Link } from '../router'
import type { Evidence, RcaSummary } from '../types'
import { useApi } from '../use-api'

/**
 * Evidence of an incident: what was kept, its SHA-256, who acquired it, and whether the stored
 * file still has that hash (Verify re-hashes it on the server and records the check in custody).
 */
export function EvidencePanel({
  incidentId,
  attempt,
}: {
  incidentId: number
  attempt: (work: () => Promise<unknown>, after: () => void) => Promise<void>
}) {
  const evidence = useApi<{ items: Evidence[] }>(`/incidents/${incidentId}/evidence`)
  const items = evidence.data?.items ?? []
  return (
    <div className="panel">
      <h2>Evidence</h2>
      {evidence.error && <p className="error">{evidence.error}</p>}
      {items.length === 0 && !evidence.error && (
        <p className="muted">
          None yet. Upload with <code>watchfloor evidence add</code> or the API.
        </p>
      )}
      <ul className="plain evidence">
        {items.map((item) => (
          <li key={item.id} data-evidence-id={item.id}>
            <strong>{item.name}</strong> <span className="muted">{byteSize(item.sizeBytes)}</span>
            <div className="mono muted" title={item.sha256}>
              sha256 {item.sha256.slice(0, 16)}…
            </div>
            <div className="muted">
              acquired by {item.acquiredBy} · {dateTime(item.acquiredAt)}
            </div>
            <div>
              <span className={`tag verify-${item.lastVerifyResult ?? 'never'}`}>
                {item.lastVerifyResult ? label(item.lastVerifyResult) : 'not verified'}
              </span>
              {item.lastVerifiedAt && <span className="muted"> {ago(item.lastVerifiedAt)}</span>}{' '}
              <button
                type="button"
                onClick={() =>
                  attempt(
                    () => post(`/incidents/${incidentId}/evidence/${item.id}/verify`, {}),
                    evidence.reload,
                  )
                }
              >
                Verify
              </button>
            </div>
          </li>
        ))}
      </ul>
    </div>
  )
}

/** Where the root-cause analysis stands, and the report in each format (RCA included). */
export function ReportPanel({ incidentId }: { incidentId: number }) {
  const rca = useApi<RcaSummary>(`/incidents/${incidentId}/rca`)
  const report = (format: string) => `/api/v1/incidents/${incidentId}/report?format=${format}&include=rca`
  const data = rca.data
  return (
    <div className="panel">
      <h2>Root cause and report</h2>
      {rca.error && <p className="error">{rca.error}</p>}
      {data && (
        <p className="rca-state">
          <Link to={`/incidents/${incidentId}/rca`}>RCA</Link>{' '}
          <span className="tag">{data.saved ? label(data.state) : 'not started'}</span>
          {data.saved && <span className="muted"> · version {data.version}</span>}
          {data.review.reviewedBy && <span className="muted"> · approved by {data.review.reviewedBy}</span>}
        </p>
      )}
      <p className="report-links">
        Report:{' '}
        <a href={report('pdf')} download>
          PDF
        </a>{' '}
        ·{' '}
        <a href={report('html')} download>
          HTML
        </a>{' '}
        ·{' '}
        <a href={report('md')} download>
          Markdown
        </a>
      </p>
    </div>
  )
}
