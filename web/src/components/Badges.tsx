import { label } from '../format'
import type { AlertSla } from '../types'

export function SeverityBadge({ severity }: { severity: string }) {
  return <span className={`sev sev-${severity}`}>{severity}</span>
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`status status-${status}`}>{label(status)}</span>
}

function duration(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000)
  if (minutes < 60) return `${minutes}m`
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)}h${minutes % 60 ? ` ${minutes % 60}m` : ''}`
  return `${Math.floor(minutes / 1440)}d`
}

/** The clock that matters now: acknowledge until acknowledged, then close; nothing without SLAs. */
export function SlaCell({ sla, status }: { sla: AlertSla | null | undefined; status: string }) {
  if (!sla) return <span className="muted">—</span>
  const clock = status === 'new' && sla.ack.state !== 'met' ? sla.ack : sla.close
  const name = clock === sla.ack ? 'ack' : 'close'
  if (clock.state === 'met' || status === 'closed') return <span className="sla sla-met">met</span>
  const late = clock.remainingMs < 0 || clock.state === 'breached'
  return (
    <span className={`sla sla-${clock.state}`} title={`${name} due ${clock.dueAt}`}>
      {name} {late ? `late ${duration(clock.remainingMs)}` : `in ${duration(clock.remainingMs)}`}
    </span>
  )
}
