import { useEffect, useRef } from 'react'

const QUIET_MS = 400

/**
 * Keeps the queue fresh from the server's live alert stream (server-sent events: alert.created,
 * alert.updated, alert.sla_breach). Bursts are folded into one reload; the browser reconnects by
 * itself with Last-Event-ID. A slow poll stays as a fallback for a node without the stream.
 */
export function useAlertStream(onChange: () => void): void {
  const callback = useRef(onChange)
  callback.current = onChange
  useEffect(() => {
    let pending: number | undefined
    const soon = () => {
      window.clearTimeout(pending)
      pending = window.setTimeout(() => callback.current(), QUIET_MS)
    }
    const source = new EventSource('/api/v1/alerts/stream')
    for (const type of ['alert.created', 'alert.updated', 'alert.sla_breach', 'resync']) {
      source.addEventListener(type, soon)
    }
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') callback.current()
    }, 60_000)
    const onVisible = () => document.visibilityState === 'visible' && callback.current()
    document.addEventListener('visibilitychange', onVisible)
    return () => {
      source.close()
      window.clearTimeout(pending)
      window.clearInterval(timer)
      document.removeEventListener('visibilitychange', onVisible)
    }
  }, [])
}
