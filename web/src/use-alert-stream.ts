import { useEffect, useRef } from 'react'

/**
 * Keeps the queue fresh: polls every 20 s, and reloads at once when the tab comes back into
 * view. (When the server offers an alert event stream, this is where it is wired in.)
 */
export function useAlertStream(onChange: () => void): void {
  const callback = useRef(onChange)
  callback.current = onChange
  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') callback.current()
    }, 20_000)
    const onVisible = () => document.visibilityState === 'visible' && callback.current()
    document.addEventListener('visibilitychange', onVisible)
    return () => {
      window.clearInterval(timer)
      document.removeEventListener('visibilitychange', onVisible)
    }
  }, [])
}
