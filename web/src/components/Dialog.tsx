import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react'
import { errorText } from '../api'

/** A native modal <dialog>: Escape closes it, focus stays inside, page shortcuts pause while open. */
export function Dialog({
  title,
  onClose,
  onSubmit,
  submitLabel,
  busy,
  error,
  children,
}: {
  title: string
  onClose: () => void
  onSubmit: () => void
  submitLabel: string
  busy?: boolean
  error?: string | undefined
  children: ReactNode
}) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const dialog = ref.current
    if (dialog && !dialog.open) dialog.showModal()
  }, [])
  const submit = (event: FormEvent) => {
    event.preventDefault()
    onSubmit()
  }
  return (
    <dialog ref={ref} onClose={onClose} aria-label={title}>
      <form onSubmit={submit}>
        <h2>{title}</h2>
        {children}
        {error && <p className="error">{error}</p>}
        <div className="dialog-actions">
          <button type="button" onClick={() => ref.current?.close()}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {submitLabel}
          </button>
        </div>
      </form>
    </dialog>
  )
}

/**
 * A dialog's submit: busy while `work` runs; what it throws (a refusal from the API, or a check
 * of the form) becomes the dialog's error and the form can be sent again. On success the dialog
 * stays busy: `work` ends by closing it or moving on.
 */
export function useSubmit(work: () => Promise<void>): {
  busy: boolean
  error: string | undefined
  submit: () => Promise<void>
} {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const submit = async () => {
    setError(undefined)
    setBusy(true)
    try {
      await work()
    } catch (reason) {
      setError(errorText(reason))
      setBusy(false)
    }
  }
  return { busy, error, submit }
}
