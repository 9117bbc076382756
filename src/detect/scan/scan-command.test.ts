import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../test-support/cli-process.js'
import { hasTestData, testDataPath } from '../../test-support/test-data.js'

const RULE = `title: Certutil download
id: 7e5e8f7a-1c2d-4b3a-9f8e-000000000001
status: test
level: high
tags: [attack.command-and-control, attack.t1105]
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '\\certutil.exe'
    CommandLine|contains: urlcache
  condition: selection
---
title: Admin tool by an outsider
id: 7e5e8f7a-1c2d-4b3a-9f8e-000000000002
status: test
level: low
tags: [attack.discovery]
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '\\whoami.exe'
  condition: selection
`
const PLACEHOLDER_RULE = `title: Whoami by someone who is not an admin
id: 7e5e8f7a-1c2d-4b3a-9f8e-000000000003
level: medium
tags: [attack.discovery]
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '\\whoami.exe'
  admins:
    User|expand: '%admins%'
  condition: selection and not admins
`

const CORRELATION = `title: Whoami run twice
id: 7e5e8f7a-1c2d-4b3a-9f8e-000000000004
level: high
tags: [attack.discovery]
correlation:
  type: event_count
  rules: [7e5e8f7a-1c2d-4b3a-9f8e-000000000002]
  group-by: [Image]
  timespan: 1h
  condition: { gte: 2 }
`

const process = (n: number, image: string, commandLine: string, user = 'CORP\\alice') => ({
  EventID: 1,
  Channel: 'Microsoft-Windows-Sysmon/Operational',
  '@timestamp': `2024-05-01T10:00:0${n}Z`,
  Image: image,
  CommandLine: commandLine,
  User: user,
})

let dir: string
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wf-scan-'))
  writeFileSync(path.join(dir, 'rules.yml'), RULE)
  writeFileSync(path.join(dir, 'placeholder.yml'), PLACEHOLDER_RULE)
  writeFileSync(path.join(dir, 'correlation.yml'), CORRELATION)
  const lines = [
    process(1, 'C:\\Windows\\System32\\certutil.exe', 'certutil -urlcache -f http://x/a.exe a.exe'),
    process(2, 'C:\\Windows\\System32\\whoami.exe', 'whoami', 'CORP\\adm_bob'),
    process(3, 'C:\\Windows\\System32\\notepad.exe', 'notepad'),
  ]
  writeFileSync(path.join(dir, 'events.jsonl'), lines.map((line) => JSON.stringify(line)).join('\n'))
  writeFileSync(
    path.join(dir, 'more.json.gz'),
    gzipSync(JSON.stringify([process(4, 'C:\\Windows\\System32\\whoami.exe', 'whoami /all')])),
  )
  writeFileSync(path.join(dir, 'quiet.jsonl'), `${JSON.stringify(process(5, 'C:\\x\\calc.exe', 'calc'))}\n`)
})

const scan = (...args: string[]) =>
  runCli(['scan', '--no-progress', '--rules', path.join(dir, 'rules.yml'), ...args])

describe('watchfloor scan (a real process)', () => {
  it('prints a table of findings with a summary by level and tactic, and exits 1', async () => {
    const result = await scan('--', path.join(dir, 'events.jsonl'), path.join(dir, 'more.json.gz'))
    expect(result.code).toBe(1)
    const lines = result.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^TIME\s+LEVEL\s+KIND\s+TITLE/)
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/)[3])).toEqual([
      'Certutil download',
      'Admin tool by an outsider',
      'Admin tool by an outsider',
    ])
    expect(result.stdout).toContain('more.json.gz')
    expect(result.stderr).toContain('3 findings in 4 events')
    expect(result.stderr).toContain('by level: high 1, low 2')
    expect(result.stderr).toMatch(/by ATT&CK tactic: discovery 2, command-and-control 1/)
  })

  it('expands placeholders, filters by level and tag, and writes JSON lines or CSV', async () => {
    const placeholder = await runCli([
      'scan',
      '--no-progress',
      '--format',
      'jsonl',
      '--rules',
      path.join(dir, 'placeholder.yml'),
      '--placeholder',
      'admins=CORP\\adm_*',
      '--',
      dir,
    ])
    const findings = placeholder.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { title: string; where: string })
    expect(findings.map((finding) => path.basename(finding.where))).toEqual(['more.json.gz:1'])
    const unset = await runCli([
      'scan',
      '--no-progress',
      '--rules',
      path.join(dir, 'placeholder.yml'),
      '--',
      dir,
    ])
    expect(unset.code).toBe(2)
    expect(unset.stderr).toMatch(/placeholder\.yml.*admins/)

    const high = await scan('--format', 'csv', '--min-level', 'high', '--', dir)
    expect(high.stdout.trim().split('\n')).toHaveLength(2)
    expect(high.stdout).toMatch(/^time,level,kind,title,where,details,rule_id,tags\n/)
    expect(high.stdout).toContain('attack.command-and-control attack.t1105')

    const tagged = await scan(
      '--format',
      'jsonl',
      '--tag',
      'attack.discovery',
      '--',
      path.join(dir, 'events.jsonl'),
    )
    expect(
      tagged.stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { title: string }).title),
    ).toEqual(['Admin tool by an outsider'])
  })

  it('exits 0 when nothing matched, 2 on bad usage, 3 on unreadable input', async () => {
    const quiet = await scan('--', path.join(dir, 'quiet.jsonl'))
    expect([quiet.code, quiet.stdout]).toEqual([0, ''])
    expect((await scan('--format', 'xml', '--', dir)).code).toBe(2)
    expect((await runCli(['scan', dir])).code).toBe(2)
    const missing = await scan('--', path.join(dir, 'no-such-file.jsonl'))
    expect(missing.code).toBe(3)
    expect(missing.stderr).toContain('no-such-file.jsonl')
  })
})

describe('watchfloor scan --threads', () => {
  it('matches files in worker threads with the findings, order, summary and correlations of one thread', async () => {
    const run = (threads: string) =>
      runCli([
        'scan',
        '--no-progress',
        '--format',
        'jsonl',
        '--threads',
        threads,
        '--rules',
        path.join(dir, 'rules.yml'),
        path.join(dir, 'correlation.yml'),
        '--',
        path.join(dir, 'events.jsonl'),
        path.join(dir, 'more.json.gz'),
        path.join(dir, 'quiet.jsonl'),
      ])
    const [one, two] = [await run('1'), await run('2')]
    expect([one.code, two.code]).toEqual([1, 1])
    const titles = (stdout: string) =>
      stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { title: string }).title)
    // The correlation needs a whoami of events.jsonl and one of more.json.gz, read by different
    // threads (its base rule's own matches are not reported: the correlation has no `generate`).
    expect(titles(two.stdout)).toEqual(['Certutil download', 'Whoami run twice'])
    expect(two.stdout).toBe(one.stdout)
    const summary = (stderr: string) => stderr.replace(/\([\d.]+ s\)/, '')
    expect(summary(two.stderr)).toBe(summary(one.stderr))
    expect(two.stderr).toContain('2 findings in 5 events')
  })

  it('reports rule errors once and exits 2 when no rule loaded, as one thread does', async () => {
    const result = await runCli([
      'scan',
      '--no-progress',
      '--threads',
      '2',
      '--rules',
      path.join(dir, 'placeholder.yml'),
      '--',
      dir,
    ])
    expect(result.code).toBe(2)
    expect(result.stderr.match(/rule error: .*admins/g)).toHaveLength(1)
    expect((await scan('--threads', '0', '--', dir)).code).toBe(2)
  })
})

describe('watchfloor rules lint and rules test', () => {
  it('lint lists every error with file:line, rule id and field, and exits 1', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'wf-lint-'))
    writeFileSync(path.join(folder, 'good.yml'), RULE)
    writeFileSync(
      path.join(folder, 'bad.yml'),
      'title: Bad\nid: 11111111-2222-4333-8444-555555555555\nlogsource: { product: windows }\ndetection:\n  selection:\n    Image|nosuchmodifier: x\n  condition: selection\n',
    )
    const result = await runCli(['rules', 'lint', folder])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /bad\.yml:6, rule 11111111-2222-4333-8444-555555555555, field detection\.selection/,
    )
    expect(result.stderr).toContain('2 files: 2 rules')
    const clean = await runCli(['rules', 'lint', path.join(folder, 'good.yml')])
    expect([clean.code, clean.stdout]).toEqual([0, ''])
  })

  it('test runs one rule over sample events: exit 0 on a match, 1 on none or on a wrong --expect', async () => {
    const rule = path.join(dir, 'rules.yml')
    const events = path.join(dir, 'events.jsonl')
    const matched = await runCli(['rules', 'test', rule, events, '--expect', '2'])
    expect(matched.code).toBe(0)
    expect(matched.stdout).toContain('events.jsonl:1  Certutil download')
    expect((await runCli(['rules', 'test', rule, events, '--expect', '5'])).code).toBe(1)
    const none = await runCli(['rules', 'test', rule, path.join(dir, 'quiet.jsonl')])
    expect([none.code, none.stderr]).toEqual([1, expect.stringContaining('no event matched')])
  })
})

describe.runIf(hasTestData('sigma'))('watchfloor scan over SigmaHQ regression events', () => {
  const cases = [
    {
      rule: 'rules-emerging-threats/2026/Exploits/RedSun/file_event_win_exploit_redsun_indicators',
      id: 'f2e4b7d9-5c3a-4f8b-9e1d-7a6c2b3f4e5d',
      expected: 1,
    },
    {
      rule: 'rules-emerging-threats/2026/Exploits/CVE-2026-33829/proc_creation_win_exploit_cve_2026_33829',
      id: '7c3a5b1d-9e2f-4a8c-b5d7-1e0f3c6a9b2d',
      expected: 2,
    },
  ]
  it('finds each rule in its own regression events as many times as info.yml says', async () => {
    const result = await runCli([
      'scan',
      '--no-progress',
      '--format',
      'jsonl',
      '--rules',
      ...cases.map((item) => testDataPath('sigma', `${item.rule}.yml`)),
      '--',
      ...cases.map((item) => testDataPath('sigma', 'regression_data', item.rule, `${item.id}.json`)),
    ])
    expect(result.code).toBe(1)
    const found = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { ruleId: string; where: string })
    for (const item of cases) {
      const hits = found.filter((finding) => finding.ruleId === item.id)
      expect(hits).toHaveLength(item.expected)
      expect(hits.every((hit) => hit.where.includes(item.id))).toBe(true)
    }
  })
})
