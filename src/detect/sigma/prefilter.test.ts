import { describe, expect, it } from 'vitest'
import { createDetector } from './detector.js'
import { compileRule } from './index.js'
import { parseRuleFile } from './parse-rule.js'
import { requiredLiteralGroups } from './required-literals.js'
import { buildRuleYaml } from './rule-builders.test-support.js'

function compile(detection: string) {
  const parsed = parseRuleFile(buildRuleYaml(detection), 'test.yml')
  const document = parsed.documents[0]
  if (document?.kind !== 'rule') throw new Error('expected a rule')
  return compileRule(document)
}

// SigmaHQ's homoglyph and Unicode-obfuscation rules list single non-ASCII characters.
const HOMOGLYPHS = `
selection:
  CommandLine|contains:
    - "\\u0410"
    - "\\u0435"
    - "\\u202e"
    - "\\u2015"
condition: selection
`

describe('literal pre-filter', () => {
  it('indexes a rule made of single non-ASCII characters instead of running it on every event', () => {
    const groups = requiredLiteralGroups(compile(HOMOGLYPHS).root)
    expect(groups).toHaveLength(1)
    expect(groups[0]!.map((atom) => atom.literal).sort()).toEqual(['\u0430', '\u0435', '\u2015', '\u202e'])
  })

  it('still refuses a single ASCII character as a pre-filter literal (found in almost every text)', () => {
    expect(
      requiredLiteralGroups(compile('selection:\n  CommandLine|contains: "x"\ncondition: selection').root),
    ).toEqual([])
  })

  it("indexes PowerShell's backtick, the one literal of SigmaHQ's token-obfuscation regex", () => {
    const rule = compile("selection:\n  CommandLine|re: '\\w+`(?:\\w+|-|.)`[\\w+|\\s]'\ncondition: selection")
    expect(requiredLiteralGroups(rule.root)).toEqual([[expect.objectContaining({ literal: '`' })]])
    const fast = createDetector([rule])
    const slow = createDetector([rule], undefined, { prefilter: false })
    for (const CommandLine of ['IN`V`o`Ke-eXp`ResSIOn', 'powershell -c Get-Date', 'a`b']) {
      expect(fast.match({ CommandLine }, { product: 'test' }).length, CommandLine).toBe(
        slow.match({ CommandLine }, { product: 'test' }).length,
      )
    }
    expect(fast.match({ CommandLine: 'IN`V`o`Ke-eXp`ResSIOn' }, { product: 'test' })).toHaveLength(1)
  })

  it('keeps the rare literals of one branch of an OR beside the common ones of that branch', () => {
    // SigmaHQ's path traversal rule: \\windows\\ on Image scores higher than \\..\\..\\ on
    // CommandLine, but nearly every event has it; the CommandLine group must be kept too.
    const rule = compile(`
selection_1:
  Image|contains: '\\Windows\\'
  CommandLine|contains:
    - '\\..\\Windows\\'
    - '\\..\\..\\'
selection_2:
  CommandLine|contains: '.exe\\..\\'
condition: 1 of selection_*
`)
    const groups = requiredLiteralGroups(rule.root).map((group) => group.map((atom) => atom.literal).sort())
    expect(groups).toContainEqual(['.exe\\..\\', '\\..\\..\\', '\\..\\windows\\'])
    expect(groups).toContainEqual(['.exe\\..\\', '\\windows\\'])
    const fast = createDetector([rule])
    const slow = createDetector([rule], undefined, { prefilter: false })
    for (const event of [
      { Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'cmd /c dir' },
      { Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'cmd /c C:\\temp\\..\\..\\x' },
      { Image: 'C:\\Tools\\a.exe', CommandLine: 'C:\\Tools\\a.exe\\..\\b.exe' },
      { Image: 'C:\\Tools\\a.exe', CommandLine: 'C:\\..\\..\\b.exe' },
    ]) {
      expect(fast.match(event, { product: 'test' }).length, event.CommandLine).toBe(
        slow.match(event, { product: 'test' }).length,
      )
    }
    expect(
      fast.match(
        { Image: 'C:\\Tools\\a.exe', CommandLine: 'C:\\Tools\\a.exe\\..\\b.exe' },
        { product: 'test' },
      ),
    ).toHaveLength(1)
  })

  it('finds what full evaluation finds, in either case and beside other non-ASCII text', () => {
    const rule = compile(HOMOGLYPHS)
    const fast = createDetector([rule])
    const slow = createDetector([rule], undefined, { prefilter: false })
    const texts = [
      'powershell -c \u0410dd-Type', // Cyrillic capital A
      'p\u0430wershell', // lowercase Cyrillic a: matches the lowercased literal of "\u0410"
      'n\u0435t user', // Cyrillic e
      'cmd /c echo \u00e9t\u00e9', // other non-ASCII only: no match
      'invoice\u202eexe.pdf',
      'a \u2015 b',
      'plain ascii command line',
      'K\u0130LL \u0410', // characters whose lowercase grows or is ASCII, then a homoglyph
    ]
    for (const CommandLine of texts) {
      const event = { CommandLine }
      const expected = slow.match(event, { product: 'test' }).length
      expect(fast.match(event, { product: 'test' }).length, CommandLine).toBe(expected)
    }
    expect(
      texts.filter((CommandLine) => fast.match({ CommandLine }, { product: 'test' }).length > 0),
    ).toHaveLength(6)
  })

  it('gives the same matches for a field value seen before, whatever came between', () => {
    const rule = compile(`
selection:
  Image|endswith: '\\rundll32.exe'
  CommandLine|contains: 'javascript:'
condition: selection
`)
    const fast = createDetector([rule])
    const slow = createDetector([rule], undefined, { prefilter: false })
    const long = `rundll32.exe ${'x'.repeat(2_000)} javascript:`
    const events = [
      { Image: 'C:\\Windows\\System32\\rundll32.exe', CommandLine: 'rundll32.exe javascript:alert(1)' },
      { Image: 'C:\\Windows\\System32\\rundll32.exe', CommandLine: 'rundll32.exe shell32.dll' },
      { Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'rundll32.exe javascript:alert(1)' },
      { Image: 'C:\\Windows\\System32\\rundll32.exe', CommandLine: long },
      // The same text in two fields: each field's literals are looked for in it.
      { Image: 'C:\\javascript:\\rundll32.exe', CommandLine: 'C:\\javascript:\\rundll32.exe' },
    ]
    const counts = (detector: typeof fast) =>
      [...events, ...events, ...[...events].reverse()].map(
        (event) => detector.match(event, { product: 'test' }).length,
      )
    expect(counts(fast)).toEqual(counts(slow))
    expect(counts(fast)).toEqual([1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1])
  })

  it('finds the literals of a long multi-line text line by line, as full evaluation does', () => {
    // Over 64 literals: no native gate, so long texts go through the memo (by line when no
    // literal has a line break), as PowerShell's ContextInfo does with SigmaHQ's rules.
    const cmdlets = Array.from({ length: 80 }, (_, index) => `'Invoke-Tool${index}'`)
    const byLine = compile(
      `selection:\n  ContextInfo|contains: [${cmdlets.join(', ')}]\ncondition: selection`,
    )
    const spanning = compile(
      `selection:\n  ContextInfo|contains: [${cmdlets.slice(1).join(', ')}, "ID = 7\\n  Command"]\ncondition: selection`,
    )
    const context = (sequence: number, command: string, newline = '\n') =>
      [
        'Severity = Informational',
        `Host Application = powershell.exe -nop ${'-w hidden '.repeat(60)}`,
        'Pipeline ID = 7',
        `Command Name = ${command}`,
        `Sequence Number = ${sequence}`,
      ]
        .map((line) => `  ${line}`)
        .join(newline)
    const events = [
      { ContextInfo: context(1, 'Invoke-Tool0') },
      { ContextInfo: context(2, 'Get-Date') },
      { ContextInfo: context(3, 'INVOKE-TOOL79') },
      { ContextInfo: context(4, 'Invoke-Tool0', '\r\n') },
      { ContextInfo: context(5, 'Get-Date').replace('Get-Date', 'Invoke-Tool1') },
      { ContextInfo: context(6, 'Invoke-Tool') },
    ]
    for (const rule of [byLine, spanning]) {
      const fast = createDetector([rule])
      const slow = createDetector([rule], undefined, { prefilter: false })
      const counts = (detector: typeof fast) =>
        [...events, ...events].map((event) => detector.match(event, { product: 'test' }).length)
      expect(counts(fast), rule.title).toEqual(counts(slow))
    }
    const counts = (rule: typeof byLine) =>
      events.map((event) => createDetector([rule]).match(event, { product: 'test' }).length)
    expect(counts(byLine)).toEqual([1, 0, 1, 1, 1, 0])
    expect(counts(spanning)).toEqual([1, 1, 1, 0, 1, 1])
  })
})
