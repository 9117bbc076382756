import type { XmlAttribute, XmlElement, XmlNode, XmlTemplateInstance } from './binxml-tree.js'
import { decodeValue, type EvtxValue, textValue, utf16UpToNul, ValueType } from './evtx-values.js'

const Token = {
  EndOfStream: 0x00,
  OpenStartElement: 0x01,
  CloseStartElement: 0x02,
  CloseEmptyElement: 0x03,
  EndElement: 0x04,
  Value: 0x05,
  Attribute: 0x06,
  CDataSection: 0x07,
  CharReference: 0x08,
  EntityReference: 0x09,
  ProcessingInstructionTarget: 0x0a,
  ProcessingInstructionData: 0x0b,
  TemplateInstance: 0x0c,
  NormalSubstitution: 0x0d,
  OptionalSubstitution: 0x0e,
  FragmentHeader: 0x0f,
} as const

/** Bit 0x40 on a token: "has more data" (attributes on an element, more values after this one). */
const MORE_FLAG = 0x40
const TEMPLATE_HEADER_SIZE = 24

export class BinXmlError extends Error {}

/**
 * Reads BinXML inside one 64 KiB EVTX chunk. Names and template definitions are stored once per
 * chunk and referenced by chunk offset, so both are cached here for the life of the chunk.
 */
export class ChunkBinXmlParser {
  private readonly names = new Map<number, string>()
  private readonly templates = new Map<number, XmlNode[]>()

  /** Reads a nested BinXML value (type 0x21) in place. */
  private readonly parseNested = (offset: number, size: number): XmlNode[] =>
    this.parseFragment(offset, offset + size, false)

  constructor(private readonly data: Buffer) {}

  /** Parses the BinXML of one record (`start`..`end` are chunk offsets). */
  parseRecord(start: number, end: number): XmlNode[] {
    return this.parseFragment(start, end, false)
  }

  /**
   * Element headers inside template definitions carry a 2-byte dependency identifier; elements
   * written directly in a record or in a nested BinXML value do not.
   */
  private parseFragment(start: number, end: number, inTemplateDefinition: boolean): XmlNode[] {
    const data = this.data
    const root: XmlNode[] = []
    const open: XmlElement[] = []
    let attribute: XmlAttribute | undefined
    let pos = start
    const append = (node: XmlNode): void => {
      if (attribute !== undefined) attribute.value.push(node)
      else (open.at(-1)?.children ?? root).push(node)
    }
    while (pos < end) {
      const token = data[pos]!
      switch (token & ~MORE_FLAG) {
        case Token.EndOfStream:
          return root
        case Token.FragmentHeader:
          pos += 4
          break
        case Token.OpenStartElement: {
          pos += inTemplateDefinition ? 7 : 5
          const name = this.nameAt(pos)
          pos = name.next
          if ((token & MORE_FLAG) !== 0) pos += 4
          const element: XmlElement = { kind: 'element', name: name.text, attributes: [], children: [] }
          attribute = undefined
          append(element)
          open.push(element)
          break
        }
        case Token.CloseStartElement:
          attribute = undefined
          pos += 1
          break
        case Token.CloseEmptyElement:
        case Token.EndElement:
          attribute = undefined
          open.pop()
          pos += 1
          break
        case Token.Value: {
          const type = data[pos + 1]!
          const count = data.readUInt16LE(pos + 2)
          const text = type === ValueType.String ? utf16UpToNul(data, pos + 4, pos + 4 + count * 2) : ''
          append({ kind: 'value', value: textValue(text) })
          pos += 4 + count * 2
          break
        }
        case Token.Attribute: {
          const name = this.nameAt(pos + 1)
          pos = name.next
          const current = open.at(-1)
          if (current === undefined) throw new BinXmlError(`attribute outside an element at ${pos}`)
          attribute = { name: name.text, value: [] }
          current.attributes.push(attribute)
          break
        }
        case Token.CDataSection: {
          const count = data.readUInt16LE(pos + 1)
          append({ kind: 'value', value: textValue(utf16UpToNul(data, pos + 3, pos + 3 + count * 2)) })
          pos += 3 + count * 2
          break
        }
        case Token.CharReference:
          append({ kind: 'value', value: textValue(`&#${data.readUInt16LE(pos + 1)};`) })
          pos += 3
          break
        case Token.EntityReference: {
          const name = this.nameAt(pos + 1)
          append({ kind: 'value', value: textValue(`&${name.text};`) })
          pos = name.next
          break
        }
        case Token.ProcessingInstructionTarget:
          pos = this.nameAt(pos + 1).next
          break
        case Token.ProcessingInstructionData:
          pos += 3 + data.readUInt16LE(pos + 1) * 2
          break
        case Token.TemplateInstance: {
          const instance = this.templateInstanceAt(pos)
          append(instance.node)
          pos = instance.next
          break
        }
        case Token.NormalSubstitution:
        case Token.OptionalSubstitution:
          append({
            kind: 'substitution',
            index: data.readUInt16LE(pos + 1),
            optional: (token & ~MORE_FLAG) === Token.OptionalSubstitution,
          })
          pos += 4
          break
        default:
          throw new BinXmlError(`unknown BinXML token 0x${token.toString(16)} at chunk offset ${pos}`)
      }
    }
    return root
  }

  private templateInstanceAt(start: number): { node: XmlTemplateInstance; next: number } {
    const data = this.data
    const definitionOffset = data.readUInt32LE(start + 6)
    let pos = start + 10
    if (definitionOffset === pos) pos += TEMPLATE_HEADER_SIZE + data.readUInt32LE(pos + 20)
    const count = data.readUInt32LE(pos)
    pos += 4
    const descriptors = pos
    pos += count * 4
    const values: EvtxValue[] = new Array(count)
    for (let index = 0; index < count; index += 1) {
      const size = data.readUInt16LE(descriptors + index * 4)
      const type = data[descriptors + index * 4 + 2]!
      values[index] = decodeValue(data, pos, size, type, this.parseNested)
      pos += size
    }
    return { node: { kind: 'template', definition: this.definitionAt(definitionOffset), values }, next: pos }
  }

  private definitionAt(offset: number): XmlNode[] {
    const cached = this.templates.get(offset)
    if (cached !== undefined) return cached
    const size = this.data.readUInt32LE(offset + 20)
    const start = offset + TEMPLATE_HEADER_SIZE
    const nodes = this.parseFragment(start, start + size, true)
    this.templates.set(offset, nodes)
    return nodes
  }

  /**
   * A name reference at `pos`: a chunk offset to the name (next-offset, hash, length, UTF-16
   * text, NUL). When the name is stored right there, the reader steps over it.
   */
  private nameAt(pos: number): { text: string; next: number } {
    const offset = this.data.readUInt32LE(pos)
    let text = this.names.get(offset)
    if (text === undefined) {
      const length = this.data.readUInt16LE(offset + 6)
      text = this.data.toString('utf16le', offset + 8, offset + 8 + length * 2)
      this.names.set(offset, text)
    }
    const next = pos + 4
    return { text, next: offset === next ? next + 8 + text.length * 2 + 2 : next }
  }
}
