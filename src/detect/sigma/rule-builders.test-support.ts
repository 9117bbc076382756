import { createDetector } from './detector.js'
import { type CompileOptions, compileRule } from './index.js'
import { parseRuleFile } from './parse-rule.js'

/** A rule document around a `detection:` block (indented YAML), for tests. */
export function buildRuleYaml(detection: string, extra = ''): string {
  return `title: Test rule
id: 00000000-0000-4000-8000-000000000001
logsource:
  product: test
detection:
${detection
  .trim()
  .split('\n')
  .map((line) => `  ${line}`)
  .join('\n')}
level: high
${extra}`
}

/** Compiles a detection block and returns a predicate over events (throws the load error, if any). */
export function buildMatcher(
  detection: string,
  options: CompileOptions = {},
): (event: Record<string, unknown>) => boolean {
  const parsed = parseRuleFile(buildRuleYaml(detection), 'test.yml')
  if (parsed.errors[0] !== undefined) throw parsed.errors[0]
  const document = parsed.documents[0]
  if (document?.kind !== 'rule') throw new Error('expected a rule')
  const detector = createDetector([compileRule(document, options)])
  return (event) => detector.match(event, { product: 'test' }).length > 0
}
