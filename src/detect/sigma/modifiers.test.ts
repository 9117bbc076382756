import { describe, expect, it } from 'vitest'
import { RuleLoadError } from './errors.js'
import { buildMatcher } from './rule-builders.test-support.js'

describe('string values and wildcards', () => {
  it('matches the whole value, case-insensitively by default', () => {
    const match = buildMatcher(`selection:\n  Image: 'C:\\Windows\\System32\\cmd.exe'\ncondition: selection`)
    expect(match({ Image: 'c:\\windows\\system32\\CMD.EXE' })).toBe(true)
    expect(match({ Image: 'c:\\windows\\system32\\cmd.exe.bak' })).toBe(false)
  })

  it('treats * as any characters and ? as exactly one', () => {
    const match = buildMatcher(
      `selection:\n  Image: 'prog?.exe'\n  Name: 'antivirus_V*.exe'\ncondition: selection`,
    )
    expect(match({ Image: 'progA.exe', Name: 'antivirus_V21.2.1.exe' })).toBe(true)
    expect(match({ Image: 'prog.exe', Name: 'antivirus_V1.exe' })).toBe(false)
    expect(match({ Image: 'progAB.exe', Name: 'antivirus_V1.exe' })).toBe(false)
  })

  it('reads \\* \\? and \\\\ as literal characters', () => {
    const star = buildMatcher(`selection:\n  Value: 'a\\*b'\ncondition: selection`)
    expect(star({ Value: 'a*b' })).toBe(true)
    expect(star({ Value: 'axxb' })).toBe(false)
    const question = buildMatcher(`selection:\n  Value: 'what\\?'\ncondition: selection`)
    expect(question({ Value: 'what?' })).toBe(true)
    expect(question({ Value: 'whats' })).toBe(false)
    // \\* is a backslash followed by the wildcard; \\\\ is a double backslash.
    const slashWildcard = buildMatcher(`selection:\n  Value: 'dir\\\\*'\ncondition: selection`)
    expect(slashWildcard({ Value: 'dir\\anything' })).toBe(true)
    const double = buildMatcher(`selection:\n  Value: 'a\\\\\\\\b'\ncondition: selection`)
    expect(double({ Value: 'a\\\\b' })).toBe(true)
    expect(double({ Value: 'a\\b' })).toBe(false)
  })

  it('keeps a plain backslash that escapes nothing', () => {
    const match = buildMatcher(`selection:\n  Path: 'C:\\Temp\\x'\ncondition: selection`)
    expect(match({ Path: 'C:\\Temp\\x' })).toBe(true)
  })

  it('matches numbers against numeric and text event values, and a list with OR', () => {
    const match = buildMatcher(`selection:\n  EventID:\n    - 517\n    - 1102\ncondition: selection`)
    expect(match({ EventID: 1102 })).toBe(true)
    expect(match({ EventID: '517' })).toBe(true)
    expect(match({ EventID: 4688 })).toBe(false)
  })

  it('keeps the text of unquoted hexadecimal values', () => {
    const match = buildMatcher(`selection:\n  GrantedAccess: 0x1410\ncondition: selection`)
    expect(match({ GrantedAccess: '0x1410' })).toBe(true)
  })

  it('matches booleans as text', () => {
    const match = buildMatcher(`selection:\n  Signed: false\ncondition: selection`)
    expect(match({ Signed: 'false' })).toBe(true)
    expect(match({ Signed: false })).toBe(true)
    expect(match({ Signed: 'true' })).toBe(false)
  })

  it('null matches a missing or null field; empty string matches only an empty value', () => {
    const nullMatch = buildMatcher(
      `selection:\n  EventID: 4738\nfilter:\n  PasswordLastSet: null\ncondition: selection and not filter`,
    )
    expect(nullMatch({ EventID: 4738, PasswordLastSet: '2024-01-01' })).toBe(true)
    expect(nullMatch({ EventID: 4738 })).toBe(false)
    expect(nullMatch({ EventID: 4738, PasswordLastSet: null })).toBe(false)
    const empty = buildMatcher(`selection:\n  FieldB: ''\ncondition: selection`)
    expect(empty({ FieldB: '' })).toBe(true)
    expect(empty({})).toBe(false)
    expect(empty({ FieldB: 'x' })).toBe(false)
  })

  it('rejects null inside a list of values', () => {
    expect(() => buildMatcher(`selection:\n  FieldB:\n    - ''\n    - null\ncondition: selection`)).toThrow(
      /null cannot be part/,
    )
  })

  it('matches any element of an array value', () => {
    const match = buildMatcher(`selection:\n  tags|contains: evil\ncondition: selection`)
    expect(match({ tags: ['good', 'very-EVIL-thing'] })).toBe(true)
    expect(match({ tags: ['good'] })).toBe(false)
  })
})

describe('generic modifiers', () => {
  it('contains, startswith, endswith', () => {
    const contains = buildMatcher(
      `selection:\n  CommandLine|contains: 'Invoke-Mimikatz'\ncondition: selection`,
    )
    expect(contains({ CommandLine: 'powershell invoke-mimikatz -dump' })).toBe(true)
    const starts = buildMatcher(`selection:\n  User|startswith: 'adm'\ncondition: selection`)
    expect(starts({ User: 'ADM_bob' })).toBe(true)
    expect(starts({ User: 'bob_adm' })).toBe(false)
    const ends = buildMatcher(`selection:\n  Image|endswith: '\\cmd.exe'\ncondition: selection`)
    expect(ends({ Image: 'C:\\Windows\\System32\\cmd.exe' })).toBe(true)
    expect(ends({ Image: 'C:\\Windows\\System32\\xcmd.exe' })).toBe(false)
  })

  it('all links the values with AND', () => {
    const match = buildMatcher(
      `selection:\n  CommandLine|contains|all:\n    - ' -enc '\n    - ' -nop '\ncondition: selection`,
    )
    expect(match({ CommandLine: 'powershell -nop -enc AAA' })).toBe(true)
    expect(match({ CommandLine: 'powershell -enc AAA' })).toBe(false)
  })

  it('all with a single value is rejected', () => {
    expect(() => buildMatcher(`selection:\n  CommandLine|contains|all: x\ncondition: selection`)).toThrow(
      RuleLoadError,
    )
  })

  it('exists checks presence, not value', () => {
    const present = buildMatcher(`selection:\n  PasswordLastSet|exists: true\ncondition: selection`)
    expect(present({ PasswordLastSet: null })).toBe(true)
    expect(present({ PasswordLastSet: '' })).toBe(true)
    expect(present({})).toBe(false)
    const absent = buildMatcher(`selection:\n  PasswordLastSet|exists: false\ncondition: selection`)
    expect(absent({})).toBe(true)
    expect(absent({ PasswordLastSet: 'x' })).toBe(false)
  })

  it('cased compares with exact case', () => {
    const match = buildMatcher(
      `selection:\n  CommandLine|contains|cased: 'FromBase64String'\ncondition: selection`,
    )
    expect(match({ CommandLine: 'x FromBase64String y' })).toBe(true)
    expect(match({ CommandLine: 'x frombase64string y' })).toBe(false)
  })

  it('neq: the field differs from every value', () => {
    const match = buildMatcher(`selection:\n  Status|neq:\n    - ok\n    - done\ncondition: selection`)
    expect(match({ Status: 'failed' })).toBe(true)
    expect(match({ Status: 'OK' })).toBe(false)
    expect(match({ Status: 'done' })).toBe(false)
  })
})

describe('string modifiers', () => {
  it('windash: a flag dash may be - / – — or ―', () => {
    const match = buildMatcher(
      `selection:\n  CommandLine|contains|windash: ' -exec bypass'\ncondition: selection`,
    )
    for (const dash of ['-', '/', '–', '—', '―']) {
      expect(match({ CommandLine: `powershell ${dash}exec bypass` })).toBe(true)
    }
    expect(match({ CommandLine: 'powershell +exec bypass' })).toBe(false)
  })

  it('windash leaves dashes inside words alone', () => {
    const match = buildMatcher(
      `selection:\n  CommandLine|contains|windash: 'Invoke-Thing'\ncondition: selection`,
    )
    expect(match({ CommandLine: 'Invoke-Thing' })).toBe(true)
    expect(match({ CommandLine: 'Invoke/Thing' })).toBe(false)
  })

  it('re is case-sensitive and unanchored; i, m and s sub-modifiers', () => {
    const plain = buildMatcher(`selection:\n  CommandLine|re: 'ab+c'\ncondition: selection`)
    expect(plain({ CommandLine: 'xxabbbcxx' })).toBe(true)
    expect(plain({ CommandLine: 'ABC' })).toBe(false)
    const insensitive = buildMatcher(`selection:\n  CommandLine|re|i: 'ab+c'\ncondition: selection`)
    expect(insensitive({ CommandLine: 'ABBC' })).toBe(true)
    const multiline = buildMatcher(`selection:\n  Text|re|m: '^second$'\ncondition: selection`)
    expect(multiline({ Text: 'first\nsecond\nthird' })).toBe(true)
    const anchoredOnly = buildMatcher(`selection:\n  Text|re: '^second$'\ncondition: selection`)
    expect(anchoredOnly({ Text: 'first\nsecond\nthird' })).toBe(false)
    const dotAll = buildMatcher(`selection:\n  Text|re|s: 'first.second'\ncondition: selection`)
    expect(dotAll({ Text: 'first\nsecond' })).toBe(true)
    const noDotAll = buildMatcher(`selection:\n  Text|re: 'first.second'\ncondition: selection`)
    expect(noDotAll({ Text: 'first\nsecond' })).toBe(false)
  })

  it('re pre-checks (minimum length, required literals) keep case flags exact', () => {
    const sensitive = buildMatcher(`selection:\n  CommandLine|re: 'Invoke-\\w+ -Dump'\ncondition: selection`)
    expect(sensitive({ CommandLine: 'x Invoke-Mimikatz -Dump' })).toBe(true)
    expect(sensitive({ CommandLine: 'x invoke-mimikatz -dump' })).toBe(false)
    const flagged = buildMatcher(`selection:\n  CommandLine|re|i: 'Invoke-\\w+ -Dump'\ncondition: selection`)
    expect(flagged({ CommandLine: 'x INVOKE-MIMIKATZ -DUMP' })).toBe(true)
    const inline = buildMatcher(`selection:\n  CommandLine|re: '(?i)\\$\\{env:path\\}'\ncondition: selection`)
    expect(inline({ CommandLine: '\u0024{ENV:PATH}' })).toBe(true)
    expect(inline({ CommandLine: '$ {ENV:PATH}' })).toBe(false)
    const hex = buildMatcher(
      `selection:\n  CommandLine|re: '\\s[a-f0-9]{12}\\s[a-f0-9]{4}'\ncondition: selection`,
    )
    expect(hex({ CommandLine: 'run 0123456789ab cdef' })).toBe(true)
    expect(hex({ CommandLine: 'run 0123456789ab CDEF' })).toBe(false)
    expect(hex({ CommandLine: 'run 0123456789a bcdef' })).toBe(false)
    const long = buildMatcher(`selection:\n  CommandLine|re: '^.{10,}$'\ncondition: selection`)
    expect(long({ CommandLine: '123456789' })).toBe(false)
    expect(long({ CommandLine: '1234567890' })).toBe(true)
  })

  it('re rejects syntax that needs backtracking, naming the construct', () => {
    expect(() => buildMatcher(`selection:\n  Text|re: '(a)\\1'\ncondition: selection`)).toThrow(
      /unsupported construct: regular expression/,
    )
  })

  it('base64 encodes the value', () => {
    // "http://" in base64 is aHR0cDovLw==
    const match = buildMatcher(
      `selection:\n  CommandLine|base64|contains|cased: 'http://'\ncondition: selection`,
    )
    expect(match({ CommandLine: 'echo aHR0cDovLw== | base64 -d' })).toBe(true)
    expect(match({ CommandLine: 'echo AHR0CDOVLW==' })).toBe(false)
  })

  it('base64offset finds the value at any offset of a base64 stream', () => {
    const match = buildMatcher(
      `selection:\n  CommandLine|base64offset|contains: 'Invoke-Mimikatz'\ncondition: selection`,
    )
    for (const prefix of ['', 'a', 'ab', 'abc']) {
      const encoded = Buffer.from(`${prefix}Invoke-Mimikatz -DumpCreds`).toString('base64')
      expect(match({ CommandLine: `powershell -enc ${encoded}` })).toBe(true)
    }
    expect(match({ CommandLine: Buffer.from('Invoke-Other').toString('base64') })).toBe(false)
  })

  it('utf16le / wide then base64offset (PowerShell -EncodedCommand)', () => {
    for (const modifier of ['utf16le', 'wide']) {
      const match = buildMatcher(
        `selection:\n  CommandLine|${modifier}|base64offset|contains: 'Invoke-Mimikatz'\ncondition: selection`,
      )
      const encoded = Buffer.from('IEX; Invoke-Mimikatz', 'utf16le').toString('base64')
      expect(match({ CommandLine: `powershell -enc ${encoded}` })).toBe(true)
      expect(match({ CommandLine: Buffer.from('IEX; Invoke-Mimikatz').toString('base64') })).toBe(false)
    }
  })

  it('utf16le, utf16be and utf16 (with byte order mark) produce the bytes of the spec examples', () => {
    const le = buildMatcher(`selection:\n  Data|utf16le: cmd\ncondition: selection`)
    expect(le({ Data: 'c\u0000m\u0000d\u0000' })).toBe(true)
    const be = buildMatcher(`selection:\n  Data|utf16be: cmd\ncondition: selection`)
    expect(be({ Data: '\u0000c\u0000m\u0000d' })).toBe(true)
    const bom = buildMatcher(`selection:\n  Data|utf16|base64: cmd\ncondition: selection`)
    expect(bom({ Data: Buffer.from([0xff, 0xfe, 0x63, 0, 0x6d, 0, 0x64, 0]).toString('base64') })).toBe(true)
  })

  it('base64 rejects values with wildcards', () => {
    expect(() => buildMatcher(`selection:\n  Data|base64: 'a*'\ncondition: selection`)).toThrow(/wildcards/)
  })
})

describe('numeric and time modifiers', () => {
  it('lt, lte, gt, gte compare numbers', () => {
    const between = buildMatcher(`selection:\n  Size|gt: 10\n  Size|lte: 20\ncondition: selection`)
    expect(between({ Size: 15 })).toBe(true)
    expect(between({ Size: '20' })).toBe(true)
    expect(between({ Size: 10 })).toBe(false)
    expect(between({ Size: 'big' })).toBe(false)
    const small = buildMatcher(
      `selection:\n  Size|lt: 5\nother:\n  Size|gte: 100\ncondition: selection or other`,
    )
    expect(small({ Size: 4 })).toBe(true)
    expect(small({ Size: 100 })).toBe(true)
    expect(small({ Size: 5 })).toBe(false)
  })

  it('neq on numbers', () => {
    const match = buildMatcher(`selection:\n  LogonType|neq: 3\ncondition: selection`)
    expect(match({ LogonType: 2 })).toBe(true)
    expect(match({ LogonType: 3 })).toBe(false)
  })

  it('minute, hour, day, week, month, year read parts of the date as written', () => {
    const event = { Time: '2024-03-05 23:10:42.123' }
    const cases: Array<[string, number]> = [
      ['minute', 10],
      ['hour', 23],
      ['day', 5],
      ['week', 10],
      ['month', 3],
      ['year', 2024],
    ]
    for (const [modifier, value] of cases) {
      expect(buildMatcher(`selection:\n  Time|${modifier}: ${value}\ncondition: selection`)(event)).toBe(true)
      expect(buildMatcher(`selection:\n  Time|${modifier}: ${value + 1}\ncondition: selection`)(event)).toBe(
        false,
      )
    }
  })

  it('a time modifier combines with a comparison (night hours)', () => {
    const match = buildMatcher(`selection:\n  Time|hour|gte: 22\ncondition: selection`)
    expect(match({ Time: '2024-03-05T23:10:00Z' })).toBe(true)
    expect(match({ Time: '2024-03-05T08:10:00Z' })).toBe(false)
  })
})

describe('cidr', () => {
  it('matches IPv4 ranges', () => {
    const match = buildMatcher(
      `selection:\n  DestinationIp|cidr:\n    - 10.0.0.0/8\n    - 192.168.1.0/24\ncondition: selection`,
    )
    expect(match({ DestinationIp: '10.20.30.40' })).toBe(true)
    expect(match({ DestinationIp: '192.168.1.255' })).toBe(true)
    expect(match({ DestinationIp: '192.168.2.1' })).toBe(false)
    expect(match({ DestinationIp: 'not-an-ip' })).toBe(false)
    expect(match({ DestinationIp: '::ffff:10.1.2.3' })).toBe(true)
  })

  it('matches IPv6 ranges', () => {
    const match = buildMatcher(
      `selection:\n  DestinationIp|cidr:\n    - 'fe80::/10'\n    - '2001:db8::/32'\ncondition: selection`,
    )
    expect(match({ DestinationIp: 'fe80::1%eth0' })).toBe(true)
    expect(match({ DestinationIp: '2001:db8:1234::1' })).toBe(true)
    expect(match({ DestinationIp: '2001:db9::1' })).toBe(false)
    expect(match({ DestinationIp: '10.0.0.1' })).toBe(false)
  })

  it('rejects a value that is not a range', () => {
    expect(() => buildMatcher(`selection:\n  Ip|cidr: 10.0.0.0/33\ncondition: selection`)).toThrow(
      /not a CIDR range/,
    )
  })
})

describe('specific modifiers', () => {
  it('expand replaces placeholders with configured values', () => {
    const match = buildMatcher(`selection:\n  User|expand: '%Administrators%'\ncondition: selection`, {
      placeholders: { Administrators: ['adm_*', 'root'] },
    })
    expect(match({ User: 'ADM_alice' })).toBe(true)
    expect(match({ User: 'root' })).toBe(true)
    expect(match({ User: 'alice' })).toBe(false)
  })

  it('expand keeps \\% as a literal percent sign', () => {
    const match = buildMatcher(`selection:\n  Path|expand: '\\%plain%name%'\ncondition: selection`, {
      placeholders: { name: ['X'] },
    })
    expect(match({ Path: '%plainX' })).toBe(true)
  })

  it('a placeholder without configured values rejects the rule', () => {
    expect(() => buildMatcher(`selection:\n  User|expand: '%Administrators%'\ncondition: selection`)).toThrow(
      /no configured values/,
    )
  })

  it('without expand, %name% is a literal value', () => {
    const match = buildMatcher(`selection:\n  Path: '%name%'\ncondition: selection`)
    expect(match({ Path: '%NAME%' })).toBe(true)
  })

  it('fieldref compares two fields of the event, and combines with neq', () => {
    const same = buildMatcher(`selection:\n  TargetUserName|fieldref: SubjectUserName\ncondition: selection`)
    expect(same({ TargetUserName: 'Bob', SubjectUserName: 'bob' })).toBe(true)
    expect(same({ TargetUserName: 'Bob', SubjectUserName: 'alice' })).toBe(false)
    expect(same({ TargetUserName: 'Bob' })).toBe(false)
    const different = buildMatcher(
      `selection:\n  TargetUserName|fieldref|neq: SubjectUserName\ncondition: selection`,
    )
    expect(different({ TargetUserName: 'Bob', SubjectUserName: 'alice' })).toBe(true)
    expect(different({ TargetUserName: 'Bob', SubjectUserName: 'bob' })).toBe(false)
  })

  it('fieldref folds case as the rest of Sigma does: İ lowercases to two characters, cased keeps case', () => {
    const same = buildMatcher(`selection:\n  Image|fieldref: ParentImage\ncondition: selection`)
    expect(same({ Image: 'C:\\TEMP\\İ.EXE', ParentImage: 'c:\\temp\\i\u0307.exe' })).toBe(true)
    expect(same({ Image: 'C:\\TEMP\\A.EXE', ParentImage: 'c:\\temp\\ab.exe' })).toBe(false)
    expect(same({ Image: 4688, ParentImage: '4688' })).toBe(true)
    const cased = buildMatcher(`selection:\n  Image|fieldref|cased: ParentImage\ncondition: selection`)
    expect(cased({ Image: 'A.exe', ParentImage: 'a.exe' })).toBe(false)
    const all = buildMatcher(
      `selection:\n  Image|fieldref|endswith|all:\n    - A\n    - B\ncondition: selection`,
    )
    expect(all({ Image: 'x\\cmd.exe', A: 'CMD.EXE', B: '.exe' })).toBe(true)
    expect(all({ Image: 'x\\cmd.exe', A: 'CMD.EXE', B: '.dll' })).toBe(false)
  })

  it('an unknown modifier is an error naming it', () => {
    expect(() => buildMatcher(`selection:\n  Image|sounds_like: cmd\ncondition: selection`)).toThrow(
      /unsupported construct: modifier "sounds_like"/,
    )
  })
})

describe('keyword searches', () => {
  it('a list of strings searches every value of the event (OR)', () => {
    const match = buildMatcher(`keywords:\n  - 'EVILSERVICE'\n  - 'svchost.exe -n evil'\ncondition: keywords`)
    expect(match({ Message: 'Service evilservice installed' })).toBe(true)
    expect(match({ nested: { deep: ['x', 'C:\\svchost.exe -n evil'] } })).toBe(true)
    expect(match({ Message: 'nothing here' })).toBe(false)
  })

  it("'|all' requires every keyword", () => {
    const match = buildMatcher(
      `keywords_cmdlet:\n  '|all':\n    - 'OabVirtualDirectory'\n    - ' -ExternalUrl '\ncondition: keywords_cmdlet`,
    )
    expect(match({ Payload: 'Set-OabVirtualDirectory -ExternalUrl http://x' })).toBe(true)
    expect(match({ Payload: 'Set-OabVirtualDirectory' })).toBe(false)
  })
})
