import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ScanPool } from './scan-pool.js'

const RULE = `title: Whoami
id: 0b6c3a1e-5f7d-4c2b-9a8e-1d2f3c4b5a60
level: low
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '\\whoami.exe'
  condition: selection
`

let pool: ScanPool | undefined
afterEach(async () => {
  await pool?.close()
  pool = undefined
})

function folder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wf-scan-pool-'))
  writeFileSync(path.join(dir, 'rule.yml'), RULE)
  return dir
}

/** Files of Sysmon process creations (as many as `counts` says), whoami at every third position. */
function eventFiles(dir: string, counts: number[]): Array<{ path: string; size: number }> {
  return counts.map((count, position) => {
    const name = `file-${position}`
    const lines = Array.from({ length: count }, (_, index) =>
      JSON.stringify({
        Channel: 'Microsoft-Windows-Sysmon/Operational',
        EventID: 1,
        Image: index % 3 === 0 ? 'C:\\Windows\\System32\\whoami.exe' : 'C:\\Windows\\notepad.exe',
      }),
    )
    const file = path.join(dir, `${name}.jsonl`)
    writeFileSync(file, `${lines.join('\n')}\n`)
    return { path: file, size: lines.join('\n').length + 1 }
  })
}

describe('ScanPool (real worker threads)', () => {
  it('returns every file’s batches in file order, with hit offsets inside their batch', async () => {
    const dir = folder()
    // The small files are done by one worker while the other is still reading the large one.
    const counts = [30_000, 3_000, 3_000]
    const files = eventFiles(dir, counts)
    let progress = 0
    pool = new ScanPool(files, {
      threads: 2,
      setup: { rulePaths: [path.join(dir, 'rule.yml')], placeholders: {}, unmappedRules: 'always' },
      onProgress: ({ bytesDone }) => {
        progress = bytesDone
      },
    })
    expect(await pool.loaded()).toMatchObject({ rules: 1, errors: [] })
    const seen: string[] = []
    let events = 0
    for await (const batch of pool.results()) {
      events += batch.events
      for (const hit of batch.hits) {
        expect(hit.offset).toBeLessThan(batch.events)
        expect(hit.matches.map((match) => match.title)).toEqual(['Whoami'])
        // No correlation refers to the rule: the event stays in the worker.
        expect(hit.matches[0]!.event).toBeUndefined()
        seen.push(hit.where)
      }
    }
    expect(events).toBe(36_000)
    const expected = files.flatMap((file, position) =>
      Array.from({ length: counts[position]! / 3 }, (_, index) => `${file.path}:${index * 3 + 1}`),
    )
    expect(seen).toEqual(expected)
    expect(progress).toBe(files.reduce((sum, file) => sum + file.size, 0))
  })

  it('fails loudly when a worker cannot start its work', async () => {
    const dir = folder()
    pool = new ScanPool(eventFiles(dir, [3, 3]), {
      threads: 2,
      setup: { rulePaths: 42 as unknown as string[], placeholders: {}, unmappedRules: 'always' },
    })
    await expect(pool.loaded()).rejects.toThrow(/iterable/)
    await expect(pool.results().next()).rejects.toThrow(/iterable/)
  })
})
