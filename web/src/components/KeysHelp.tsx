import { Dialog } from './Dialog'

const KEYS: [string, string][] = [
  ['j / k', 'next / previous row'],
  ['x', 'select the row (for bulk actions)'],
  ['a', 'acknowledge'],
  ['m', 'assign to me'],
  ['c', 'close with a resolution and a comment'],
  ['n', 'new incident from the selected alerts'],
  ['Enter', 'open the row'],
  ['/', 'filter'],
  ['r', 'reload'],
  ['Esc / u', 'back to the queue (from an alert)'],
  ['g then a i b o s r t', 'alerts, incidents, brief, overview, sources, rules, tuning'],
  ['?', 'this help'],
]

export function KeysHelp({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard" submitLabel="OK" onSubmit={onClose} onClose={onClose}>
      <table className="kv">
        <tbody>
          {KEYS.map(([keys, what]) => (
            <tr key={keys}>
              <th>
                <kbd>{keys}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  )
}
