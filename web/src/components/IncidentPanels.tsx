import { useRef, useState } from 'react'
import { post } from '../api'
import { ago, byteSize, dateTime, label } from '../format'
import { Link } from '../router'
import type { CustodyEntry, Evidence, RcaSummary } from '../types'
import { useApi } from '../use-api'

type Attempt = (work: () => Promise<unknown>, after: () => void) => Promise<void>

/**
 * Evidence of an incident: what was kept, its SHA-256, who acquired it, and whether the stored
 * file still has that hash (Verify re-hashes it on the server and records the check in custody).
 * Each item downloads with a reason and shows its chain of custody.
 */
export function EvidencePanel({ incidentId, attempt }: { incidentId: number; attempt: Attempt }) {
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
          <EvidenceItem
            key={item.id}
            incidentId={incidentId}
            item={item}
            verify={() =>
              attempt(() => post(`/incidents/${incidentId}/evidence/${item.id}/verify`, {}), evidence.reload)
            }
          />
        ))}
      </ul>
    </div>
  )
}

function EvidenceItem({
  incidentId,
  item,
  verify,
}: {
  incidentId: number
  item: Evidence
  verify: () => void
}) {
  const [reason, setReason] = useState('')
  const [custodyOpen, setCustodyOpen] = useState(false)
  // Downloads started from this page: the open custody list re-reads the chain after each one.
  const [downloads, setDownloads] = useState(0)
  const download = useRef<HTMLAnchorElement>(null)
  // The server refuses a download without a reason (it goes into the chain of custody), so the
  // link has no target until one is given.
  const href = reason.trim()
    ? `/api/v1/incidents/${incidentId}/evidence/${item.id}/content?reason=${encodeURIComponent(reason.trim())}`
    : undefined
  return (
    <li data-evidence-id={item.id}>
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
        <button type="button" onClick={verify}>
          Verify
        </button>
      </div>
      <form
        className="inline evidence-download"
        onSubmit={(event) => {
          event.preventDefault()
          download.current?.click()
        }}
      >
        <input
          name="reason"
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          placeholder="Reason to download (recorded)"
          aria-label={`Reason to download ${item.name}`}
        />
        <a
          ref={download}
          href={href}
          download
          onClick={() => {
            // The server records the download before it sends the file; give it that moment.
            if (href) setTimeout(() => setDownloads((count) => count + 1), DOWNLOAD_RECORDED_MS)
          }}
          aria-disabled={href ? undefined : true}
          title={href ? undefined : 'Give a reason first: it is recorded in the chain of custody'}
        >
          Download
        </a>
      </form>
      <details className="custody" onToggle={(event) => setCustodyOpen(event.currentTarget.open)}>
        <summary>Custody</summary>
        {/* Mounted on opening, so each opening reads the chain afresh; and again after a check or a download. */}
        {custodyOpen && (
          <CustodyList
            key={`${item.lastVerifiedAt ?? 'unverified'}-${downloads}`}
            path={`/incidents/${incidentId}/evidence/${item.id}/custody`}
          />
        )}
      </details>
    </li>
  )
}

/** How long after a download starts the custody list is read again. */
const DOWNLOAD_RECORDED_MS = 750

/** Who acquired, uploaded, viewed, downloaded, exported or verified the item; when; why. */
function CustodyList({ path }: { path: string }) {
  const custody = useApi<{ items: CustodyEntry[] }>(path)
  if (custody.error) return <p className="error">{custody.error}</p>
  if (!custody.data) return <p className="muted">Loading…</p>
  return (
    <ol className="history custody">
      {custody.data.items.map((entry) => {
        const details = detailsText(entry.details ?? {})
        return (
          <li key={entry.id}>
            <span className="muted mono">{dateTime(entry.occurredAt)}</span> <b>{entry.actor}</b>{' '}
            {label(entry.action)}
            {details && <span className="muted"> {details}</span>}
            {entry.reason && <blockquote>{entry.reason}</blockquote>}
          </li>
        )
      })}
    </ol>
  )
}

/** A custody entry's details in one line: `where WS-17 · method winpmem`; empty values left out. */
function detailsText(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([key, value]) => `${key} ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' · ')
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
