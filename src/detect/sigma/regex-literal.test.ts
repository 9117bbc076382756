import { describe, expect, it } from 'vitest'
import { regexRequiredClassRun, regexRequiredLiteral, regexRequiredLiterals } from './regex-literal.js'

describe('regexRequiredLiteral', () => {
  it.each([
    ['\\\\Windows\\\\Temp\\\\[a-z]+\\.exe', '\\windows\\temp\\'],
    ['(?i)powershell.*-enc', 'powershell'],
    ['^cmd /c echo [0-9]{4}$', 'cmd /c echo '],
    ['abc?def', 'def'],
    ['ab(cd|ef)+ghij', 'ghij'],
    ['x+yzw', 'yzw'],
    ['foo|barbaz', ''],
    ['[abc]+', ''],
    ['\\d\\w\\s', ''],
    ['a(b|c)d', 'a'],
    ['.{1000,}', ''],
    ['abc{2,3}defg', 'defg'],
    ['x{10}yyy', 'yyy'],
  ])('%s → %s', (pattern, literal) => {
    expect(regexRequiredLiteral(pattern)).toBe(literal)
  })
})

describe('regexRequiredLiterals', () => {
  it.each([
    ['\\w+`(?:\\w+|-|.)`[\\w+|\\s]', false, ['`']],
    ['"(?:\\{\\d\\})+"\\s*-f', false, ['"', '-']],
    ['"(?:\\{\\d\\})+"\\s*-f', true, ['-f', '"']],
    ['(?i)\\$\\{`?e`?n`?v`?:`?p`?a`?t`?h`?\\}', false, ['${', ':', '}']],
    ['C:\\\\Temp\\\\[0-9]+\\.dll', true, ['C:\\Temp\\', '.dll']],
    ['C:\\\\Temp\\\\[0-9]+\\.dll', false, [':\\', '\\', '.']],
    ['powershell', false, []],
    ['a|b\\$', true, []],
    ['x\\d{3}', false, []],
  ])('%s (case-sensitive: %s) → %j', (pattern, caseSensitive, literals) => {
    expect(regexRequiredLiterals(pattern, caseSensitive)).toEqual(literals)
  })
})

describe('regexRequiredClassRun', () => {
  it.each([
    ['\\s[a-fA-F0-9]{64}\\s[a-fA-F0-9]{16}', '/[a-fA-F0-9]{64}/'],
    ['x[0-9]{8,}y', '/[0-9]{8}/'],
    ['[0-9]{7}', undefined],
    ['([0-9]{20})', undefined],
    ['a|[0-9]{20}', undefined],
    ['[^0-9]{20}', undefined],
    ['[\\w]{20}', undefined],
  ])('%s → %s', (pattern, source) => {
    expect(regexRequiredClassRun(pattern)?.toString()).toBe(source)
  })
})
