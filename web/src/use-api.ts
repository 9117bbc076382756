import { useCallback, useEffect, useState } from 'react'
import { api, errorText } from './api'

export interface Loaded<T> {
  data: T | undefined
  error: string | undefined
  loading: boolean
  reload: () => void
}

/** GET a path and keep the answer; `reload` fetches again (after a write, or on a live update). */
export function useApi<T>(path: string | undefined): Loaded<T> {
  const [data, setData] = useState<T>()
  const [error, setError] = useState<string>()
  const [loading, setLoading] = useState(true)
  const [tick, setTick] = useState(0)
  useEffect(() => {
    if (!path) return
    let live = true
    setLoading(true)
    void tick
    api<T>(path)
      .then((value) => {
        if (!live) return
        setData(value)
        setError(undefined)
      })
      .catch((reason: unknown) => {
        if (live) setError(errorText(reason))
      })
      .finally(() => {
        if (live) setLoading(false)
      })
    return () => {
      live = false
    }
  }, [path, tick])
  // Loading from the call on, in the same render as the caller's own updates: a page that acts on
  // the data (a save carrying the version it read) can tell stale data from fresh.
  const reload = useCallback(() => {
    setLoading(true)
    setTick((n) => n + 1)
  }, [])
  return { data, error, loading, reload }
}
