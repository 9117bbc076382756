import { describe, expect, it } from 'vitest'
import { regexRequiredLiteral, regexRequiredSymbols } from './regex-literal.js'

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

describe('regexRequiredSymbols', () => {
  it.each([
    ['\\w+`(?:\\w+|-|.)`[\\w+|\\s]', '`'],
    ['"(?:\\{\\d\\})+"\\s*-f', '"'],
    ['(?i)\\$\\{`?e`?n`?v`?:`?p`?a`?t`?h`?\\}', '${'],
    ['(?i)\\$\\{env:path\\}', '${'],
    ['C:\\\\Temp\\\\[0-9]+\\.dll', ':\\'],
    ['powershell', ''],
    ['a|b\\$', ''],
    ['x\\d{3}', ''],
  ])('%s → %s', (pattern, symbols) => {
    expect(regexRequiredSymbols(pattern)).toBe(symbols)
  })
})
