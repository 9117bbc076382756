import { describe, expect, it } from 'vitest'
import { readYamlEvents } from './yaml-events.js'
import { parseYamlDocuments, parseYamlDocumentsExact } from './yaml-tree.js'

/**
 * The fast event reader must give exactly the `yaml` package's tree (values, source texts, lines)
 * or step aside. `toEqual` would pass NaN and -0 loosely, so the trees are compared with
 * `Object.is` semantics through `toStrictEqual`.
 */
const plain: Record<string, string> = {
  'a single rule': 'title: t\nid: 1\ndetection:\n  sel:\n    EventID: 4688\n  condition: sel\n',
  'numbers keep their source text': [
    'hex: 0x1410',
    'octal: 0o17',
    'leading zero: 012',
    'float: 1.50',
    'exp: -.5e3',
    'inf: -.inf',
    'nan: .NaN',
    'signed: +12',
    'zero: -0',
    'big: 123456789012345678901234567890',
    'not a number: 0b101',
    'version: 1.2.3',
  ].join('\n'),
  'null and booleans, plain and quoted': [
    'a: ~',
    'b: null',
    'c:',
    "d: 'null'",
    'e: true',
    'f: "False"',
    'g: yes',
    'h: NULL',
    'i: Null',
  ].join('\n'),
  'quoted and block scalars': [
    "single: 'it''s \\n'",
    'double: "tab\\there \\u00e9"',
    'literal: |',
    '  line one',
    '  line two',
    'folded: >-',
    '  folded',
    '  text',
    'keep: |+',
    '  kept',
    '',
    'after: x',
  ].join('\n'),
  'flow collections and multi-line plain scalars': [
    'list: [a, "b", 3, {k: v}]',
    'map: {x: 1, y: [z]}',
    'long: this plain scalar',
    '  goes on',
    '  over lines',
    '"quoted key": 1',
    '7: numeric key',
  ].join('\n'),
  'several documents': [
    '# comment first',
    'action: global',
    'title: base',
    '---',
    'logsource: {product: windows}',
    '--- # a comment',
    'detection: {condition: x}',
  ].join('\n'),
  'comments only': '# just a comment\n',
  'CRLF line endings': 'title: t\r\ndetection:\r\n  sel:\r\n    - a\r\n    - "b"\r\n  condition: sel\r\n',
  'nested sequences and an empty map value': '- - a\n  - b\n-\n  k: v\n  empty:\n  comment: # c\n',
}

const needsExact: Record<string, string> = {
  'a tag': 'a: !!str 0x10\n',
  'an anchor and alias': 'a: &x 1\nb: *x\n',
  'a duplicate key': 'a: 1\na: 2\n',
  'a syntax error': 'a: [1, 2\nb: c\n',
  'a map as a key': '? [a, b]\n: c\n',
  'a nested compact map': 'a: b: c\n',
  'a tab indent': 'a:\n\tb: c\n',
  'an empty document after ---': 'a: 1\n---\n# nothing\n---\nb: 2\n',
  'an empty key': 'a: 1\n: 2\n',
  'an empty sequence item': 'a:\n  - x\n  - # nothing\n  - y\n',
  'a document end marker': '...\ntitle: t\n',
  'a carriage return alone': 'title: t\n\r id: 1\n',
}

describe('readYamlEvents', () => {
  for (const [name, text] of Object.entries(plain)) {
    it(`reads ${name} exactly as the yaml package does`, () => {
      const fast = readYamlEvents(text)
      expect(fast).toBeDefined()
      expect(fast).toStrictEqual(parseYamlDocumentsExact(text))
    })
  }

  for (const [name, text] of Object.entries(needsExact)) {
    it(`leaves ${name} to the yaml package`, () => {
      expect(readYamlEvents(text)).toBeUndefined()
      expect(parseYamlDocuments(text)).toStrictEqual(parseYamlDocumentsExact(text))
    })
  }

  it('reports the exact reader errors through parseYamlDocuments', () => {
    const docs = parseYamlDocuments('a: 1\na: 2\n')
    expect(docs[0]!.errors[0]!.message).toMatch(/unique/i)
    expect(docs[0]!.errors[0]!.line).toBe(2)
  })
})
