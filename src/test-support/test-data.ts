import { existsSync } from 'node:fs'
import path from 'node:path'

/**
 * External test data (SigmaHQ rules, real log samples) lives outside the project, in
 * `WATCHFLOOR_TEST_DATA` (default `../shared/data`). On a developer machine without it the
 * suites that need it are skipped with one line saying how to get it; in CI it must be there.
 */
export const TEST_DATA_DIR = path.resolve(
  process.env.WATCHFLOOR_TEST_DATA ?? path.join(process.cwd(), '..', 'shared', 'data'),
)

export function testDataPath(...parts: string[]): string {
  return path.join(TEST_DATA_DIR, ...parts)
}

/** True when the data is present. In CI a missing folder throws: a missing dataset is a failure, never a skip. */
export function hasTestData(...parts: string[]): boolean {
  const dir = testDataPath(...parts)
  if (existsSync(dir)) return true
  if (process.env.CI === 'true') {
    throw new Error(`test data missing at ${dir}: CI needs WATCHFLOOR_TEST_DATA (default ../shared/data)`)
  }
  console.warn(
    `skipping: test data not found at ${dir}; set WATCHFLOOR_TEST_DATA to a folder holding sigma/ and samples/ (the team's shared/data)`,
  )
  return false
}
