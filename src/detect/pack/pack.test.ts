import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ScanEngine } from '../scan/scan-engine.js'
import { loadRules } from '../sigma/index.js'

const PACK = path.resolve(import.meta.dirname, '..', '..', '..', 'rules')

function ruleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return ruleFiles(full)
    return entry.name.endsWith('.yml') ? [full] : []
  })
}

function events(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
}

/** Every pack rule must be routed by the default log-source mappings: none runs as "unmapped". */
async function findingsOf(rulePaths: string[], eventFiles: string[]) {
  const loaded = await loadRules(rulePaths)
  expect(loaded.errors.map((error) => error.message)).toEqual([])
  const engine = new ScanEngine(loaded.rules, loaded.correlations, { unmappedRules: 'never' })
  expect(engine.detector.unmappedRules.map((rule) => rule.document.title)).toEqual([])
  const findings = eventFiles.flatMap((file) => events(file).flatMap((event) => engine.scan(event)))
  return [...findings, ...engine.finish()]
}

const files = ruleFiles(PACK)
const base = (file: string) => file.slice(0, -'.yml'.length)

describe("Watchfloor's rule pack", () => {
  it('loads every rule without an error, each with the metadata a reviewer expects', async () => {
    const loaded = await loadRules([PACK])
    expect(loaded.errors.map((error) => `${error.location.file}: ${error.message}`)).toEqual([])
    expect(files.length).toBeGreaterThanOrEqual(10)
    const documents = [...loaded.rules.map((rule) => rule.document), ...loaded.correlations]
    for (const document of documents) {
      expect(document.id, document.title).toMatch(/^[0-9a-f-]{36}$/)
      expect(document.author, document.title).toBe('Watchfloor')
      expect(document.description, document.title).toBeTruthy()
      expect(document.level, document.title).toMatch(/^(informational|low|medium|high|critical)$/)
      expect(
        document.tags.some((tag) => tag.startsWith('attack.')),
        document.title,
      ).toBe(true)
      expect(document.attributes.references, document.title).toBeInstanceOf(Array)
      expect(document.attributes.falsepositives, document.title).toBeInstanceOf(Array)
    }
  })

  for (const file of files) {
    const name = path.relative(PACK, file)
    it(`${name}: finds what its test events hold and nothing in its benign events`, async () => {
      const expected = JSON.parse(readFileSync(`${base(file)}.expect.json`, 'utf8')) as { matches: number }
      expect(expected.matches).toBeGreaterThan(0)
      const hits = await findingsOf([file], [`${base(file)}.events.jsonl`])
      expect(hits.map((hit) => hit.title)).toHaveLength(expected.matches)
      expect(await findingsOf([file], [`${base(file)}.benign.jsonl`])).toEqual([])
    })
  }

  it('no rule fires on the test events of another (the whole pack over every sample)', async () => {
    const total = files.reduce(
      (sum, file) =>
        sum + (JSON.parse(readFileSync(`${base(file)}.expect.json`, 'utf8')) as { matches: number }).matches,
      0,
    )
    const samples = files.flatMap((file) => [`${base(file)}.events.jsonl`, `${base(file)}.benign.jsonl`])
    expect(await findingsOf([PACK], samples)).toHaveLength(total)
  })
})
