import { ago, label } from '../format'
import type { AlertSla } from '../types'

export function SeverityBadge({ severity }: { severity: string }) {
  return <span className={`sev sev-${severity}`}>{severity}</span>
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`status status-${status}`}>{label(status)}</span>
}

/** The nearest SLA deadline, red once it has passed; nothing when the server sends no SLA. */
export function SlaCell({ sla, status }: { sla: AlertSla | null | undefined; status: string }) {
  if (!sla || status === 'closed') return <span className="muted">—</span>
  const due = status === 'new' ? (sla.ackDueAt ?? sla.closeDueAt) : sla.closeDueAt
  if (!due) return <span className="muted">—</span>
  const late = sla.breached || new Date(due).getTime() < Date.now()
  return (
    <span className={late ? 'sla-late' : 'sla-ok'} title={due}>
      {late ? `late ${ago(due).replace(' ago', '')}` : ago(due)}
    </span>
  )
}
