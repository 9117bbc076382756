import { execFileSync } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { hasTestData, testDataPath } from '../../../test-support/test-data.js'
import type { CompiledRule } from '../compile-rule.js'
import { createDetector } from '../detector.js'
import { type LoadedRules, loadRules } from '../load-rules.js'
import { readYamlEvents } from '../yaml-events.js'
import { parseYamlDocumentsExact } from '../yaml-tree.js'
import { readEvents, readRegressionCase, rulesByRegressionPath } from './regression-cases.js'

/**
 * Conformance against SigmaHQ's public rules and regression data (read from WATCHFLOOR_TEST_DATA,
 * never copied into the project): every rule loads, every regression case reaches its match count.
 */
const SIGMA_ROOT = testDataPath('sigma')
const RULE_DIRS = ['rules', 'rules-emerging-threats', 'rules-threat-hunting']
const PLACEHOLDER_ERROR = /placeholder %([^%]+)% has no configured values/

async function findFiles(dir: string, wanted: RegExp, out: string[] = []): Promise<string[]> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) await findFiles(full, wanted, out)
    else if (wanted.test(entry.name)) out.push(full)
  }
  return out
}

const findInfoFiles = (dir: string) => findFiles(dir, /^info\.yml$/)

describe.runIf(hasTestData('sigma'))('SigmaHQ conformance', () => {
  let loaded: LoadedRules

  beforeAll(async () => {
    loaded = await loadRules(RULE_DIRS.map((dir) => path.join(SIGMA_ROOT, dir)))
  }, 120_000)

  it('loads every rule (placeholder rules once their placeholders are configured)', async () => {
    const total = loaded.rules.length + new Set(loaded.errors.map((error) => error.location.file)).size
    console.log(
      `SigmaHQ rules: ${loaded.rules.length} of ${total} documents loaded from ${loaded.files} files`,
    )
    for (const error of loaded.errors) console.log(`  not loaded: ${error.message}`)
    // Per the specification a tool must reject a rule whose `expand` placeholders it cannot
    // resolve; those rules are expected here, and must load once values are configured.
    const unexpected = loaded.errors.filter((error) => !PLACEHOLDER_ERROR.test(error.reason))
    expect(unexpected.map((error) => error.message)).toEqual([])
    const placeholderNames = [
      ...new Set(loaded.errors.map((error) => PLACEHOLDER_ERROR.exec(error.reason)![1]!)),
    ]
    if (placeholderNames.length === 0) return
    const placeholders = Object.fromEntries(placeholderNames.map((name) => [name, [`configured-${name}`]]))
    const files = [...new Set(loaded.errors.map((error) => error.location.file))]
    const retried = await loadRules(files, { placeholders })
    console.log(
      `  with placeholders configured (${placeholderNames.join(', ')}): ${retried.rules.length} loaded`,
    )
    expect(retried.errors.map((error) => error.message)).toEqual([])
    expect(retried.rules.length).toBe(files.length)
  })

  it('reads every rule file with the fast YAML reader exactly as the yaml package does', async () => {
    const files = (
      await Promise.all(RULE_DIRS.map((dir) => findFiles(path.join(SIGMA_ROOT, dir), /\.ya?ml$/)))
    ).flat()
    const differing: string[] = []
    let fast = 0
    for (const file of files) {
      const text = await readFile(file, 'utf8')
      const documents = readYamlEvents(text)
      if (documents === undefined) continue
      fast++
      try {
        expect(documents).toStrictEqual(parseYamlDocumentsExact(text))
      } catch {
        differing.push(file)
      }
    }
    console.log(`fast YAML reader: ${fast} of ${files.length} rule files, ${differing.length} differing`)
    expect(differing).toEqual([])
    // Nearly every file must take the fast path, or loading the rule set slows down unnoticed.
    expect(fast).toBeGreaterThan(files.length * 0.99)
  }, 60_000)

  it('reaches the match count of every regression case', async () => {
    const detector = createDetector(loaded.rules)
    const byPath = rulesByRegressionPath(loaded.rules, SIGMA_ROOT)
    const infoFiles = (await findInfoFiles(path.join(SIGMA_ROOT, 'regression_data'))).sort()
    const failures: string[] = []
    const undefinedCases: string[] = []
    let passed = 0
    for (const infoPath of infoFiles) {
      const testCase = await readRegressionCase(SIGMA_ROOT, infoPath)
      const relative = path.relative(SIGMA_ROOT, infoPath)
      if (testCase.expected === undefined || testCase.eventsPath === undefined) {
        undefinedCases.push(relative)
        continue
      }
      const rule: CompiledRule | undefined =
        byPath.get(infoPath) ?? loaded.rules.find((candidate) => candidate.id === testCase.ruleId)
      if (rule === undefined) {
        failures.push(`${relative}: rule ${testCase.ruleId} (${testCase.title}) is not loaded`)
        continue
      }
      const events = await readEvents(testCase.eventsPath)
      let matches = 0
      for (const event of events) {
        if (detector.match(event).some((match) => match.rule === rule)) matches++
      }
      if (matches >= testCase.expected) passed++
      else {
        failures.push(
          `${relative}: rule ${rule.id} (${rule.title}) matched ${matches} of ${events.length} events, expected ${testCase.expected}`,
        )
      }
    }
    const defined = infoFiles.length - undefinedCases.length
    console.log(`SigmaHQ regression cases: ${passed}/${defined} passed (${infoFiles.length} info.yml files)`)
    for (const relative of undefinedCases)
      console.log(`  no test defined in ${relative} (regression_tests_info absent)`)
    for (const failure of failures) console.log(`  FAIL ${failure}`)
    expect(failures).toEqual([])
    expect(passed).toBeGreaterThan(0)
  }, 120_000)

  it('gives the same matches with and without the literal pre-filter', async () => {
    const withPrefilter = createDetector(loaded.rules)
    const withoutPrefilter = createDetector(loaded.rules, undefined, { prefilter: false })
    const infoFiles = await findInfoFiles(path.join(SIGMA_ROOT, 'regression_data'))
    let compared = 0
    for (const infoPath of infoFiles) {
      const testCase = await readRegressionCase(SIGMA_ROOT, infoPath)
      if (testCase.eventsPath === undefined) continue
      for (const event of await readEvents(testCase.eventsPath)) {
        const fast = withPrefilter
          .match(event)
          .map((match) => match.ruleId)
          .sort()
        const slow = withoutPrefilter
          .match(event)
          .map((match) => match.ruleId)
          .sort()
        expect(fast).toEqual(slow)
        compared++
      }
    }
    expect(compared).toBeGreaterThan(200)
  }, 120_000)
})

async function findZips(dir: string, out: string[] = []): Promise<string[]> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) await findZips(full, out)
    else if (entry.name.endsWith('.zip') && /[/\\](windows|compound)[/\\]/.test(full)) out.push(full)
  }
  return out.sort()
}

describe.runIf(hasTestData('sigma') && hasTestData('samples', 'otrf'))('pre-filter on real traffic', () => {
  it('finds exactly what full evaluation finds on OTRF Windows samples', async () => {
    const { rules } = await loadRules(RULE_DIRS.map((dir) => path.join(SIGMA_ROOT, dir)))
    const withPrefilter = createDetector(rules)
    const withoutPrefilter = createDetector(rules, undefined, { prefilter: false })
    let compared = 0
    let matched = 0
    for (const zip of await findZips(testDataPath('samples', 'otrf', 'datasets'))) {
      const text = execFileSync('unzip', ['-p', zip], { maxBuffer: 1 << 30 }).toString('utf8')
      for (const event of parseJsonLines(text)) {
        const fast = withPrefilter.match(event).map((match) => match.ruleId)
        const slow = withoutPrefilter.match(event).map((match) => match.ruleId)
        expect(fast.sort()).toEqual(slow.sort())
        matched += fast.length
        compared++
      }
      if (compared >= 30_000) break
    }
    console.log(`pre-filter cross-check: ${compared} OTRF events, ${matched} matches, identical`)
    expect(matched).toBeGreaterThan(0)
  }, 300_000)
})

function parseJsonLines(text: string): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = []
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue
    try {
      events.push(JSON.parse(line) as Record<string, unknown>)
    } catch {
      // A few archived lines are truncated; they are not events.
    }
  }
  return events
}
