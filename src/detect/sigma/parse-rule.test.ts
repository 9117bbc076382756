import { describe, expect, it } from 'vitest'
import { compileDocuments } from './load-rules.js'
import { parseRuleFile } from './parse-rule.js'

const rule = (id: string, extra = '') => `title: Rule ${id}
id: ${id}
name: rule_${id.slice(0, 4)}
logsource:
  product: windows
  service: security
detection:
  selection:
    EventID: 4625
  condition: selection
${extra}`

describe('parseRuleFile', () => {
  it('reads metadata, logsource and detection', () => {
    const { documents, errors } = parseRuleFile(
      rule('aaaa0000-0000-4000-8000-000000000000', 'level: high\ntags:\n  - attack.t1110\n'),
      'r.yml',
    )
    expect(errors).toEqual([])
    expect(documents[0]).toMatchObject({
      kind: 'rule',
      title: 'Rule aaaa0000-0000-4000-8000-000000000000',
      level: 'high',
      tags: ['attack.t1110'],
      logsource: { product: 'windows', service: 'security' },
      file: 'r.yml',
      line: 1,
    })
  })

  it('names file, line, rule id and field in errors', () => {
    const text = `title: Broken
id: bbbb0000-0000-4000-8000-000000000000
logsource:
  product: windows
detection:
  selection:
    Image|endswith:
      - 'a'
      - ['nested']
  condition: selection
`
    const { documents, errors } = parseRuleFile(text, 'rules/broken.yml')
    expect(documents).toEqual([])
    expect(errors).toHaveLength(1)
    expect(errors[0]!.location).toEqual({
      file: 'rules/broken.yml',
      line: 9,
      ruleId: 'bbbb0000-0000-4000-8000-000000000000',
      field: 'detection.selection.Image|endswith',
    })
    expect(errors[0]!.message).toMatch(
      /^rules\/broken\.yml:9, rule bbbb0000-.*, field detection\.selection\.Image\|endswith: /,
    )
    expect(errors[0]!.code).toBe('sigma_rule_invalid')
  })

  it('reports YAML syntax errors with their line', () => {
    const { errors } = parseRuleFile('title: x\ndetection:\n  a: [unclosed\n', 'bad.yml')
    expect(errors[0]!.location.file).toBe('bad.yml')
    expect(errors[0]!.location.line).toBeGreaterThan(1)
  })

  it('rejects missing attributes and bad levels', () => {
    const missing = parseRuleFile('title: x\nlogsource:\n  product: windows\n', 'm.yml')
    expect(missing.errors[0]!.reason).toBe('missing detection')
    const level = parseRuleFile(`${rule('cccc0000-0000-4000-8000-000000000000')}level: severe\n`, 'l.yml')
    expect(level.errors[0]!.location.field).toBe('level')
  })

  it('names an unsupported construct instead of skipping the rule', () => {
    const text = rule('dddd0000-0000-4000-8000-000000000000').replace(
      'condition: selection',
      'condition: selection | count() > 5',
    )
    const { errors } = parseRuleFile(text, 'agg.yml')
    expect(errors[0]!.reason).toMatch(/aggregation/)
    const timeframe = parseRuleFile(
      rule('dddd0000-0000-4000-8000-000000000001').replace('  condition:', '  timeframe: 5m\n  condition:'),
      't.yml',
    )
    expect(timeframe.errors[0]!.code).toBe('sigma_rule_unsupported')
  })

  it('reads multi-document files, keeping the valid documents', () => {
    const text = `${rule('eeee0000-0000-4000-8000-000000000001')}---\ntitle: no detection\nlogsource:\n  product: x\n---\n${rule('eeee0000-0000-4000-8000-000000000002')}`
    const { documents, errors } = parseRuleFile(text, 'multi.yml')
    expect(documents.map((document) => document.id)).toEqual([
      'eeee0000-0000-4000-8000-000000000001',
      'eeee0000-0000-4000-8000-000000000002',
    ])
    expect(errors).toHaveLength(1)
    expect(errors[0]!.location.line).toBe(12)
  })

  it('merges legacy action: global collections', () => {
    const text = `action: global
title: Shared
logsource:
  product: windows
detection:
  selection:
    User: admin
  condition: selection and extra
---
id: ffff0000-0000-4000-8000-000000000001
logsource:
  service: security
detection:
  extra:
    EventID: 4624
---
id: ffff0000-0000-4000-8000-000000000002
logsource:
  service: system
detection:
  extra:
    EventID: 7045
`
    const { documents, errors } = parseRuleFile(text, 'collection.yml')
    expect(errors).toEqual([])
    expect(documents).toHaveLength(2)
    expect(documents[1]).toMatchObject({
      title: 'Shared',
      logsource: { product: 'windows', service: 'system' },
    })
    const compiled = compileDocuments(documents)
    expect(compiled.errors).toEqual([])
  })
})

describe('correlation rules', () => {
  const correlation = `title: Many failed logons
id: 11110000-0000-4000-8000-000000000000
correlation:
  type: event_count
  rules:
    - rule_aaaa
  group-by:
    - TargetUserName
  timespan: 10m
  condition:
    gte: 10
level: high
---
${rule('aaaa0000-0000-4000-8000-000000000000')}`

  it('parses and validates them into a typed structure', () => {
    const { documents, errors } = parseRuleFile(correlation, 'corr.yml')
    expect(errors).toEqual([])
    expect(documents[0]).toMatchObject({
      kind: 'correlation',
      type: 'event_count',
      rules: ['rule_aaaa'],
      groupBy: ['TargetUserName'],
      timespan: '10m',
      timespanMs: 600_000,
      condition: { comparisons: { gte: 10 } },
      level: 'high',
    })
    const compiled = compileDocuments(documents)
    expect(compiled.correlations).toHaveLength(1)
    expect(compiled.rules).toHaveLength(1)
  })

  it('requires field for value_* types and a valid timespan', () => {
    const noField = parseRuleFile(correlation.replace('event_count', 'value_count'), 'c.yml')
    expect(noField.errors[0]!.location.field).toBe('correlation.condition.field')
    const badSpan = parseRuleFile(correlation.replace('10m', '10 minutes'), 'c.yml')
    expect(badSpan.errors[0]!.location.field).toBe('correlation.timespan')
    const badType = parseRuleFile(correlation.replace('event_count', 'sequence'), 'c.yml')
    expect(badType.errors[0]!.location.field).toBe('correlation.type')
  })

  it('parses temporal rules with aliases and no condition', () => {
    const text = `title: t
correlation:
  type: temporal
  rules: [rule_aaaa, rule_bbbb]
  group-by: [ip]
  timespan: 10s
  aliases:
    ip:
      rule_aaaa: source.ip
      rule_bbbb: destination.ip
---
${rule('aaaa0000-0000-4000-8000-000000000000')}---
${rule('bbbb0000-0000-4000-8000-000000000000')}`
    const { documents, errors } = parseRuleFile(text, 't.yml')
    expect(errors).toEqual([])
    expect(documents[0]).toMatchObject({ type: 'temporal', aliases: { ip: { rule_aaaa: 'source.ip' } } })
    expect(compileDocuments(documents).correlations).toHaveLength(1)
  })

  it('reports references to unknown rules', () => {
    const { documents } = parseRuleFile(correlation.replace('rule_aaaa', 'rule_nope'), 'c.yml')
    const compiled = compileDocuments(documents)
    expect(compiled.correlations).toEqual([])
    expect(compiled.errors[0]!.reason).toMatch(/unknown rules: rule_nope/)
  })
})

describe('meta-filters', () => {
  it('parses filter documents and adds "and not filter" to the named rules', async () => {
    const text = `${rule('aaaa0000-0000-4000-8000-000000000000')}---
title: Ignore service accounts
logsource:
  product: windows
filter:
  rules:
    - aaaa0000-0000-4000-8000-000000000000
  selection:
    TargetUserName|startswith: 'svc_'
  condition: selection
`
    const { documents, errors } = parseRuleFile(text, 'f.yml')
    expect(errors).toEqual([])
    expect(documents[1]).toMatchObject({ kind: 'filter', rules: ['aaaa0000-0000-4000-8000-000000000000'] })
    const compiled = compileDocuments(documents)
    expect(compiled.errors).toEqual([])
    const { createDetector } = await import('./detector.js')
    const detector = createDetector(compiled.rules)
    const event = (user: string) => ({ Channel: 'Security', EventID: 4625, TargetUserName: user })
    expect(detector.match(event('alice'))).toHaveLength(1)
    expect(detector.match(event('svc_backup'))).toHaveLength(0)
    expect(compiled.rules[0]!.filters).toEqual(['Ignore service accounts'])
  })
})
