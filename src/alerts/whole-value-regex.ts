import { RE2JS } from 're2js'
import type { ErrorDetail } from '../core/errors.js'

/**
 * A matcher's regular expression, as silences and exceptions use it: RE2 (linear time, so a
 * crafted alert cannot stall the builder), case-insensitive, matching the whole value as
 * Alertmanager's matchers do.
 */
export function compileWholeValueRegex(pattern: string): (value: string) => boolean {
  const regex = RE2JS.compile(`^(?:${pattern})$`, RE2JS.CASE_INSENSITIVE)
  return (value) => regex.test(value)
}

/** The validation problem of a matcher's pattern at `path`, or undefined when RE2 accepts it. */
export function regexProblem(pattern: string, path: string): ErrorDetail | undefined {
  try {
    RE2JS.compile(pattern)
    return undefined
  } catch (error) {
    return { path, message: `not a valid (RE2) regular expression: ${(error as Error).message}` }
  }
}
