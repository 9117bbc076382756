import { useEffect, useRef } from 'react'

/** True when the key went to a text field, where letters are typing, not commands. */
function typing(event: KeyboardEvent): boolean {
  const target = event.target
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLElement && target.isContentEditable)
  )
}

/** Single-key shortcuts (j, k, a, /, Enter …) while no text field has focus and no dialog is open. */
export function useHotkeys(bindings: Record<string, (event: KeyboardEvent) => void>, enabled = true): void {
  const current = useRef(bindings)
  current.current = bindings
  useEffect(() => {
    if (!enabled) return
    const onKey = (event: KeyboardEvent) => {
      if (event.metaKey || event.ctrlKey || event.altKey || typing(event)) return
      if (document.querySelector('dialog[open]')) return
      // Named keys are written in lower case (enter, escape, arrowdown); letters keep their case.
      const key = event.key.length > 1 ? event.key.toLowerCase() : event.key
      const handler = current.current[key]
      if (handler) {
        event.preventDefault()
        handler(event)
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [enabled])
}

/**
 * "g" then a letter jumps to a page, as in mail clients. Listens in the capture phase so the
 * second key never reaches a page's own shortcuts (g then a must not acknowledge an alert).
 */
export function useGoTo(targets: Record<string, () => void>, enabled: boolean): void {
  const current = useRef(targets)
  current.current = targets
  useEffect(() => {
    if (!enabled) return
    let armed = false
    const onKey = (event: KeyboardEvent) => {
      if (event.metaKey || event.ctrlKey || event.altKey || typing(event)) return
      if (armed) {
        armed = false
        const go = current.current[event.key]
        if (go) {
          event.preventDefault()
          event.stopPropagation()
          go()
        }
        return
      }
      if (event.key === 'g') {
        armed = true
        event.stopPropagation()
      }
    }
    window.addEventListener('keydown', onKey, true)
    return () => window.removeEventListener('keydown', onKey, true)
  }, [enabled])
}
