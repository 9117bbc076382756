import { useEffect, useRef } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

export interface TimeSeries {
  label: string
  color: string
  values: (number | null)[]
}

interface Props {
  /** Bucket starts, seconds since the epoch, ascending. */
  times: number[]
  series: TimeSeries[]
  height?: number
  bars?: boolean
  /** Bars stacked bottom to top in the order given (counts by severity, say). */
  stacked?: boolean
}

/**
 * uPlot has no stacking of its own: each series becomes the running total up to it, and the
 * tallest is drawn first so the shorter ones paint over it.
 */
function stack(series: TimeSeries[]): TimeSeries[] {
  const totals: number[] = []
  const stacked = series.map((s) => {
    // An empty bucket is null, not 0, so no flat sliver of a bar is drawn there.
    const values = s.values.map((value, i) => {
      totals[i] = (totals[i] ?? 0) + (value ?? 0)
      return totals[i] === 0 ? null : totals[i]!
    })
    return { ...s, values }
  })
  return stacked.reverse()
}

/** Counts are whole numbers: ticks at 1, 2, 5, 10 … never 0.5. */
const COUNT_STEPS = [1, 2, 5]
  .flatMap((step) => [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000].map((scale) => step * scale))
  .sort((a, b) => a - b)

const AXIS = {
  stroke: '#8b949e',
  grid: { stroke: '#21262d', width: 1 },
  ticks: { stroke: '#30363d', width: 1 },
}

/** A uPlot time chart sized to its container; redrawn when the data change. */
export function TimeChart({ times, series: given, height = 180, bars = false, stacked = false }: Props) {
  const holder = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const element = holder.current
    if (!element) return
    const series = stacked ? stack(given) : given
    const paths = bars || stacked ? uPlot.paths.bars?.({ size: [0.8, 40] }) : undefined
    const plot = new uPlot(
      {
        width: Math.max(element.clientWidth, 200),
        height,
        legend: { show: !stacked, live: false },
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: { time: true, range: () => xRange(times) },
          y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
        },
        axes: [AXIS, { ...AXIS, size: 44, incrs: COUNT_STEPS }],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            fill: stacked ? s.color : `${s.color}33`,
            width: 1.5,
            points: { show: false },
            ...(paths ? { paths } : {}),
          })),
        ],
      },
      [times, ...series.map((s) => s.values)],
      element,
    )
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(element.clientWidth, 200), height }),
    )
    resize.observe(element)
    return () => {
      resize.disconnect()
      plot.destroy()
    }
  }, [times, given, height, bars, stacked])
  return (
    <>
      <div className="chart" ref={holder} />
      {stacked && (
        <div className="legend chart-legend">
          {given.map((s) => (
            <span key={s.label}>
              <i style={{ background: s.color }} /> {s.label}
            </span>
          ))}
        </div>
      )}
    </>
  )
}

/** Half a bucket of room at each end, so the first and last bars are drawn whole. */
function xRange(times: number[]): [number, number] {
  const first = times[0] ?? 0
  const last = times[times.length - 1] ?? first
  const half = times.length > 1 ? (times[1]! - first) / 2 : 1
  return [first - half, last + half]
}

/** Fills the gaps between `since` and `until` so every bucket has a point (zero when nothing came). */
export function bucketTimes(since: string, until: string, bucketSeconds: number): number[] {
  const times: number[] = []
  const end = new Date(until).getTime() / 1000
  for (let t = new Date(since).getTime() / 1000; t <= end; t += bucketSeconds) times.push(t)
  return times
}

export const SEVERITY_COLORS: Record<string, string> = {
  critical: '#f85149',
  high: '#f0883e',
  medium: '#d29922',
  low: '#58a6ff',
  info: '#8b949e',
}

const PALETTE = ['#58a6ff', '#3fb950', '#d2a8ff', '#f0883e', '#39c5cf', '#ff7b72', '#e3b341', '#8b949e']
export const paletteColor = (index: number) => PALETTE[index % PALETTE.length]!
