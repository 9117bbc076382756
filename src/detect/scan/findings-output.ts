import type { Finding } from './scan-engine.js'

export const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const
export const OUTPUT_FORMATS = ['table', 'jsonl', 'csv'] as const
export type OutputFormat = (typeof OUTPUT_FORMATS)[number]

export function levelRank(level: string): number {
  const rank = (LEVELS as readonly string[]).indexOf(level)
  return rank === -1 ? 2 : rank
}

/** ATT&CK tactics from tags: `attack.credential-access` yes, technique and group ids no. */
export function tacticsOf(tags: readonly string[]): string[] {
  return tags
    .filter((tag) => tag.startsWith('attack.') && !/^attack\.[tgs]\d{4}/i.test(tag))
    .map((tag) => tag.slice('attack.'.length).replaceAll('_', '-'))
}

const COLUMNS = ['time', 'level', 'kind', 'title', 'where', 'details'] as const

function cells(finding: Finding): Record<(typeof COLUMNS)[number], string> {
  return {
    time: finding.time?.toISOString() ?? '-',
    level: finding.level,
    kind: finding.kind,
    title: finding.title,
    where: finding.where ?? '-',
    details: Object.entries(finding.details)
      .map(([field, value]) => `${field}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(' '),
  }
}

/** Writes findings as they come (jsonl, csv) or gathers them for an aligned table at the end. */
export class FindingsWriter {
  readonly #rows: Record<string, string>[] = []

  constructor(
    private readonly format: OutputFormat,
    private readonly out: (text: string) => void,
  ) {
    if (format === 'csv') out(`${COLUMNS.concat().join(',')},rule_id,tags\n`)
  }

  write(finding: Finding): void {
    if (this.format === 'jsonl') {
      this.out(`${JSON.stringify({ ...finding, time: finding.time?.toISOString() ?? null })}\n`)
    } else if (this.format === 'csv') {
      const row = cells(finding)
      const values = [...COLUMNS.map((column) => row[column]), finding.ruleId, finding.tags.join(' ')]
      this.out(`${values.map(csvCell).join(',')}\n`)
    } else {
      this.#rows.push(cells(finding))
    }
  }

  end(): void {
    if (this.format !== 'table' || this.#rows.length === 0) return
    const widths = COLUMNS.map((column) =>
      Math.min(
        column === 'details' ? 200 : 80,
        Math.max(column.length, ...this.#rows.map((row) => row[column]!.length)),
      ),
    )
    const line = (values: string[]) =>
      values
        .map((value, index) => value.slice(0, widths[index]).padEnd(widths[index]!))
        .join('  ')
        .trimEnd()
    this.out(`${line(COLUMNS.map((column) => column.toUpperCase()))}\n`)
    for (const row of this.#rows) this.out(`${line(COLUMNS.map((column) => row[column]!))}\n`)
  }
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

/** Counts per level and per ATT&CK tactic, for the summary after a scan. */
export class FindingsSummary {
  total = 0
  readonly byLevel = new Map<string, number>()
  readonly byTactic = new Map<string, number>()

  add(finding: Finding): void {
    this.total += 1
    this.byLevel.set(finding.level, (this.byLevel.get(finding.level) ?? 0) + 1)
    for (const tactic of new Set(tacticsOf(finding.tags)))
      this.byTactic.set(tactic, (this.byTactic.get(tactic) ?? 0) + 1)
  }

  text(events: number, seconds: number): string {
    const levels = [...this.byLevel].sort((left, right) => levelRank(right[0]) - levelRank(left[0]))
    const tactics = [...this.byTactic].sort((left, right) => right[1] - left[1])
    const lines = [
      `${this.total} findings in ${events} events (${seconds.toFixed(1)} s)`,
      `by level: ${levels.map(([level, count]) => `${level} ${count}`).join(', ') || 'none'}`,
      `by ATT&CK tactic: ${tactics.map(([tactic, count]) => `${tactic} ${count}`).join(', ') || 'none'}`,
    ]
    return `${lines.join('\n')}\n`
  }
}
