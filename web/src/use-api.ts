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
  const reload = useCallback(() => setTick((n) => n + 1), [])
  return { data, error, loading, reload }
}
