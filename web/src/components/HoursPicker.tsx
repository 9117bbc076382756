const WINDOWS = [
  { hours: 6, label: '6h' },
  { hours: 24, label: '24h' },
  { hours: 72, label: '3d' },
  { hours: 168, label: '7d' },
  { hours: 720, label: '30d' },
]

export function HoursPicker({ hours, onChange }: { hours: number; onChange: (hours: number) => void }) {
  return (
    <div className="segmented">
      {WINDOWS.map((window) => (
        <button
          key={window.hours}
          type="button"
          className={hours === window.hours ? 'on' : ''}
          onClick={() => onChange(window.hours)}
        >
          {window.label}
        </button>
      ))}
    </div>
  )
}
