import { describe, expect, it } from 'vitest'
import type { XmlElement, XmlNode } from './binxml-tree.js'
import { type EvtxValue, textValue } from './evtx-values.js'
import { renderRecordJson } from './render-json.js'

/** Builders for BinXML trees as the parser makes them. */
function element(
  name: string,
  children: XmlNode[] = [],
  attributes: Record<string, XmlNode[]> = {},
): XmlElement {
  return {
    kind: 'element',
    name,
    attributes: Object.entries(attributes).map(([attributeName, value]) => ({ name: attributeName, value })),
    children,
  }
}
const text = (value: string): XmlNode => ({ kind: 'value', value: textValue(value) })
const slot = (index: number, optional = false): XmlNode => ({ kind: 'substitution', index, optional })
const number = (value: number): EvtxValue => ({ kind: 'number', number: value, text: String(value) })
const template = (definition: XmlNode[], values: EvtxValue[]): XmlNode => ({
  kind: 'template',
  definition,
  values,
})

describe('evtx_dump JSON rendering', () => {
  it('renders text-only elements as values, numbers as numbers, empty elements as null', () => {
    const event = template(
      [
        element('Event', [
          element('System', [
            element('EventID', [slot(0)]),
            element('Channel', [slot(1)]),
            element('Correlation'),
          ]),
        ]),
      ],
      [number(4688), textValue('Security')],
    )
    expect(renderRecordJson([event])).toEqual({
      Event: { System: { EventID: 4688, Channel: 'Security', Correlation: null } },
    })
  })

  it('drops attributes whose optional value is empty, keeps #text beside attributes', () => {
    const event = template(
      [
        element('Event', [
          element('EventID', [slot(0)], { Qualifiers: [slot(1, true)] }),
          element('Level', [slot(0)], { Kind: [text('x')] }),
        ]),
      ],
      [number(7), textValue('')],
    )
    expect(renderRecordJson([event])).toEqual({
      Event: { EventID: 7, Level: { '#attributes': { Kind: 'x' }, '#text': 7 } },
    })
  })

  it('keys EventData by the Data names, an empty Data as ""', () => {
    const data = (name: string, index: number) => element('Data', [slot(index)], { Name: [text(name)] })
    const event = template(
      [element('Event', [element('EventData', [data('Image', 0), data('ProcessId', 1), data('Empty', 2)])])],
      [textValue('C:\\cmd.exe'), number(42), textValue('')],
    )
    expect(renderRecordJson([event])).toEqual({
      Event: { EventData: { Image: 'C:\\cmd.exe', ProcessId: 42, Empty: '' } },
    })
  })

  it('gathers unnamed Data under Data.#text, one value or a list', () => {
    const one = template(
      [element('Event', [element('EventData', [element('Data', [slot(0)])])])],
      [textValue('a')],
    )
    const many = template(
      [element('Event', [element('EventData', [element('Data', [slot(0)]), element('Data', [slot(1)])])])],
      [textValue('a'), textValue('b')],
    )
    expect(renderRecordJson([one])).toEqual({ Event: { EventData: { Data: { '#text': 'a' } } } })
    expect(renderRecordJson([many])).toEqual({ Event: { EventData: { Data: { '#text': ['a', 'b'] } } } })
  })

  it('suffixes repeated child names and fills nested BinXML values in place', () => {
    const nested: EvtxValue = {
      kind: 'xml',
      nodes: [
        template([element('LogFileCleared', [element('SubjectUserName', [slot(0)])])], [textValue('bob')]),
      ],
    }
    const event = template(
      [
        element('Event', [
          element('Item', [text('1')]),
          element('Item', [text('2')]),
          element('UserData', [slot(0)]),
        ]),
      ],
      [nested],
    )
    expect(renderRecordJson([event])).toEqual({
      Event: { Item: '1', Item_1: '2', UserData: { LogFileCleared: { SubjectUserName: 'bob' } } },
    })
  })
})
