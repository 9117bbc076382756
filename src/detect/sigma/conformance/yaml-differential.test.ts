import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { describe, expect, it } from 'vitest'
import { hasTestData, testDataPath } from '../../../test-support/test-data.js'
import { readYamlEvents } from '../yaml-events.js'
import { parseYamlDocumentsExact } from '../yaml-tree.js'

/**
 * Differential fuzz of the fast YAML reader: SigmaHQ rule files with a few random edits (YAML
 * punctuation inserted, bytes deleted, pieces copied elsewhere). On every case the fast reader
 * must give the `yaml` package's tree exactly, or step aside; a broken file it accepted would be a
 * rule loaded without the error the `yaml` package reports. The seed is fixed, so a failure
 * reproduces; the case number is in the message.
 */
const CASES = 3_000
const SEED = 20261203
const PIECES = [
  ':',
  ' ',
  '\n',
  '-',
  '|',
  '>',
  '"',
  "'",
  '#',
  '{',
  '}',
  '[',
  ']',
  ',',
  '&a',
  '*a',
  '!!str ',
  '?',
  '\t',
  '---\n',
  '...\n',
  '  ',
  '%',
  '@',
  '`',
  '0x1',
  '~',
  'null',
  'true',
  '1.5',
  '\\',
  '\r\n',
  '\r',
  '\uFEFF',
  'é',
  '\u0130',
  '<<: ',
  '!',
  '|-',
  '>+',
  '- - ',
  '? ',
  ': ',
  '\n  - ',
  '"a\\"b"',
  "'it''s'",
]

/** mulberry32: a small seeded generator, so the cases are the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed | 0
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function ruleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort()
}

function mutate(text: string, random: () => number): string {
  let result = text
  const edits = 1 + Math.floor(random() * 6)
  for (let edit = 0; edit < edits; edit++) {
    const at = Math.floor(random() * result.length)
    const kind = random()
    if (kind < 0.4)
      result = result.slice(0, at) + PIECES[Math.floor(random() * PIECES.length)] + result.slice(at)
    else if (kind < 0.7) result = result.slice(0, at) + result.slice(at + 1 + Math.floor(random() * 4))
    else {
      const from = Math.floor(random() * result.length)
      result = result.slice(0, at) + result.slice(from, from + 5) + result.slice(at)
    }
  }
  return result
}

describe.runIf(hasTestData('sigma'))('fast YAML reader, differential fuzz', () => {
  it(`agrees with the yaml package on ${CASES} mutated SigmaHQ rule files`, () => {
    const files = ['rules', 'rules-emerging-threats'].flatMap((dir) => ruleFiles(testDataPath('sigma', dir)))
    const random = seededRandom(SEED)
    const differing: string[] = []
    let fast = 0
    for (let index = 0; index < CASES; index++) {
      const file = files[Math.floor(random() * files.length)]!
      const text = mutate(readFileSync(file, 'utf8'), random)
      const documents = readYamlEvents(text)
      if (documents === undefined) continue
      fast++
      if (!isDeepStrictEqual(documents, parseYamlDocumentsExact(text)))
        differing.push(`case ${index} (from ${path.basename(file)}): ${JSON.stringify(text.slice(0, 200))}`)
    }
    console.log(
      `fast YAML reader fuzz: ${fast} of ${CASES} mutated files read fast, ${differing.length} differing`,
    )
    expect(differing).toEqual([])
    expect(fast).toBeGreaterThan(CASES / 4)
  }, 60_000)
})
