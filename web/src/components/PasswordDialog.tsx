import { useState } from 'react'
import { post } from '../api'
import { Dialog, useSubmit } from './Dialog'

/** Change your own password; the server checks the current one and the new one's strength. */
export function PasswordDialog({ onDone, onCancel }: { onDone: () => void; onCancel: () => void }) {
  const [currentPassword, setCurrent] = useState('')
  const [newPassword, setNew] = useState('')
  const [repeat, setRepeat] = useState('')
  const { busy, error, submit } = useSubmit(async () => {
    if (newPassword !== repeat) throw new Error('the two new passwords differ')
    await post('/auth/password', { currentPassword, newPassword })
    onDone()
  })
  return (
    <Dialog
      title="Change your password"
      submitLabel="Change"
      onSubmit={submit}
      onClose={onCancel}
      busy={busy}
      error={error}
    >
      <label>
        Current password
        <input
          type="password"
          name="current"
          autoComplete="current-password"
          value={currentPassword}
          onChange={(e) => setCurrent(e.target.value)}
          required
        />
      </label>
      <label>
        New password
        <input
          type="password"
          name="new"
          autoComplete="new-password"
          value={newPassword}
          onChange={(e) => setNew(e.target.value)}
          required
        />
      </label>
      <label>
        New password again
        <input
          type="password"
          name="repeat"
          autoComplete="new-password"
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
          required
        />
      </label>
    </Dialog>
  )
}
