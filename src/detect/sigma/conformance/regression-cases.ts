import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parse } from 'yaml'
import type { CompiledRule } from '../compile-rule.js'
import { parseJsonEvents } from './json-events.js'

/**
 * SigmaHQ regression data: `regression_data/<rule path>/info.yml` names the rule and, in
 * `regression_tests_info`, the event files and the number of matches expected (at least one when
 * no `match_count` is given).
 */
export interface RegressionCase {
  infoPath: string
  ruleId: string
  title: string
  /** Expected matches; `undefined` when the info file lists no test (e.g. a commented-out raw test). */
  expected: number | undefined
  eventsPath: string | undefined
}

interface InfoFile {
  rule_metadata?: Array<{ id?: string; title?: string }>
  regression_tests_info?: Array<{ match_count?: number; path?: string; type?: string }>
}

export async function readRegressionCase(sigmaRoot: string, infoPath: string): Promise<RegressionCase> {
  const info = parse(await readFile(infoPath, 'utf8')) as InfoFile
  const rule = info.rule_metadata?.[0]
  const test = info.regression_tests_info?.[0]
  const dir = path.dirname(infoPath)
  const eventsPath =
    test?.path === undefined ? undefined : path.join(sigmaRoot, test.path.replace(/\.[a-z0-9]+$/i, '.json'))
  return {
    infoPath,
    ruleId: rule?.id ?? path.basename(dir),
    title: rule?.title ?? '',
    expected: test === undefined ? undefined : (test.match_count ?? 1),
    eventsPath,
  }
}

export async function readEvents(file: string): Promise<Record<string, unknown>[]> {
  return parseJsonEvents(await readFile(file, 'utf8'))
}

/** Rules by the info.yml they name in `regression_tests_path`. */
export function rulesByRegressionPath(
  rules: readonly CompiledRule[],
  sigmaRoot: string,
): Map<string, CompiledRule> {
  const byPath = new Map<string, CompiledRule>()
  for (const rule of rules) {
    const relative = rule.document.regressionTestsPath
    if (relative !== undefined) byPath.set(path.join(sigmaRoot, relative), rule)
  }
  return byPath
}
