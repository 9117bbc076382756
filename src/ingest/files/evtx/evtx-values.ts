/**
 * BinXML value types (MS-EVEN6 / libevtx "value types") and their text form as evtx_dump writes
 * it: integers and booleans become JSON numbers and booleans, everything else a string
 * (GUIDs upper-case without braces, hex integers `0x…` lower-case, times `…T…
 * .ffffffZ`, binary as upper-case hex, arrays joined with commas).
 */
import type { XmlNode } from './binxml-tree.js'

export const ValueType = {
  Null: 0x00,
  String: 0x01,
  AnsiString: 0x02,
  Int8: 0x03,
  UInt8: 0x04,
  Int16: 0x05,
  UInt16: 0x06,
  Int32: 0x07,
  UInt32: 0x08,
  Int64: 0x09,
  UInt64: 0x0a,
  Real32: 0x0b,
  Real64: 0x0c,
  Bool: 0x0d,
  Binary: 0x0e,
  Guid: 0x0f,
  SizeT: 0x10,
  FileTime: 0x11,
  SystemTime: 0x12,
  Sid: 0x13,
  HexInt32: 0x14,
  HexInt64: 0x15,
  EvtHandle: 0x20,
  BinXml: 0x21,
  EvtXml: 0x23,
  ArrayFlag: 0x80,
} as const

/** A decoded value: text already in its final string form, or a JSON number/boolean, or nested BinXML. */
export type EvtxValue =
  | { kind: 'text'; text: string }
  | { kind: 'number'; number: number; text: string }
  | { kind: 'bool'; bool: boolean }
  | { kind: 'xml'; nodes: XmlNode[] }

export const EMPTY_TEXT: EvtxValue = { kind: 'text', text: '' }

export function textValue(text: string): EvtxValue {
  return { kind: 'text', text }
}

export function valueText(value: EvtxValue): string {
  switch (value.kind) {
    case 'text':
    case 'number':
      return value.text
    case 'bool':
      return value.bool ? 'true' : 'false'
    case 'xml':
      return ''
  }
}

export function isEmptyValue(value: EvtxValue): boolean {
  return (
    (value.kind === 'text' && value.text.length === 0) || (value.kind === 'xml' && value.nodes.length === 0)
  )
}

/**
 * Decodes a substitution value of `size` bytes at `offset`. `parseXml` reads a nested BinXML
 * fragment (type 0x21) in place, since its names and templates point into the same chunk.
 */
export function decodeValue(
  data: Buffer,
  offset: number,
  size: number,
  type: number,
  parseXml: (offset: number, size: number) => XmlNode[],
): EvtxValue {
  if (size === 0) return EMPTY_TEXT
  if ((type & ValueType.ArrayFlag) !== 0) return textValue(decodeArray(data, offset, size, type & 0x7f))
  switch (type) {
    case ValueType.Null:
      return EMPTY_TEXT
    case ValueType.String:
      // evtx_dump drops trailing whitespace (Windows often pads command lines with a space).
      return textValue(utf16UpToNul(data, offset, offset + size).trimEnd())
    case ValueType.AnsiString:
      return textValue(ansiUpToNul(data, offset, offset + size))
    case ValueType.Int8:
      return numberValue(data.readInt8(offset))
    case ValueType.UInt8:
      return numberValue(data.readUInt8(offset))
    case ValueType.Int16:
      return numberValue(data.readInt16LE(offset))
    case ValueType.UInt16:
      return numberValue(data.readUInt16LE(offset))
    case ValueType.Int32:
      return numberValue(data.readInt32LE(offset))
    case ValueType.UInt32:
      return numberValue(data.readUInt32LE(offset))
    case ValueType.Int64:
      return bigNumberValue(data.readBigInt64LE(offset))
    case ValueType.UInt64:
      return bigNumberValue(data.readBigUInt64LE(offset))
    case ValueType.Bool:
      return { kind: 'bool', bool: data.readInt32LE(offset) !== 0 }
    case ValueType.BinXml:
      return { kind: 'xml', nodes: parseXml(offset, size) }
    case ValueType.EvtHandle:
    case ValueType.EvtXml:
      return textValue(data.toString('hex', offset, offset + size).toUpperCase())
    default:
      return textValue(scalarText(data, offset, size, type))
  }
}

/** Text of one fixed-size scalar that is rendered as a string (also used for array items). */
function scalarText(data: Buffer, offset: number, size: number, type: number): string {
  switch (type) {
    case ValueType.Int8:
      return String(data.readInt8(offset))
    case ValueType.UInt8:
      return String(data.readUInt8(offset))
    case ValueType.Int16:
      return String(data.readInt16LE(offset))
    case ValueType.UInt16:
      return String(data.readUInt16LE(offset))
    case ValueType.Int32:
      return String(data.readInt32LE(offset))
    case ValueType.UInt32:
      return String(data.readUInt32LE(offset))
    case ValueType.Int64:
      return data.readBigInt64LE(offset).toString()
    case ValueType.UInt64:
      return data.readBigUInt64LE(offset).toString()
    case ValueType.Real32:
      return shortestFloat32(data.readFloatLE(offset))
    case ValueType.Real64:
      return String(data.readDoubleLE(offset))
    case ValueType.Bool:
      return data.readInt32LE(offset) !== 0 ? 'true' : 'false'
    case ValueType.Binary:
      return data.toString('hex', offset, offset + size).toUpperCase()
    case ValueType.Guid:
      return guidText(data, offset)
    case ValueType.SizeT:
    case ValueType.HexInt32:
    case ValueType.HexInt64:
      return size === 4
        ? `0x${data.readUInt32LE(offset).toString(16)}`
        : `0x${data.readBigUInt64LE(offset).toString(16)}`
    case ValueType.FileTime:
      return fileTimeText(data.readBigUInt64LE(offset))
    case ValueType.SystemTime:
      return systemTimeText(data, offset)
    case ValueType.Sid:
      return sidText(data, offset, size)
    default:
      return data.toString('hex', offset, offset + size).toUpperCase()
  }
}

const FIXED_SIZES: Record<number, number> = {
  [ValueType.Int8]: 1,
  [ValueType.UInt8]: 1,
  [ValueType.Int16]: 2,
  [ValueType.UInt16]: 2,
  [ValueType.Int32]: 4,
  [ValueType.UInt32]: 4,
  [ValueType.Int64]: 8,
  [ValueType.UInt64]: 8,
  [ValueType.Real32]: 4,
  [ValueType.Real64]: 8,
  [ValueType.Bool]: 4,
  [ValueType.Guid]: 16,
  [ValueType.FileTime]: 8,
  [ValueType.SystemTime]: 16,
  [ValueType.HexInt32]: 4,
  [ValueType.HexInt64]: 8,
  [ValueType.SizeT]: 8,
}

function decodeArray(data: Buffer, offset: number, size: number, itemType: number): string {
  const end = offset + size
  if (itemType === ValueType.String) {
    const items = data.toString('utf16le', offset, end).split('\0')
    if (items.at(-1) === '') items.pop()
    return items.join(',')
  }
  if (itemType === ValueType.Sid) {
    const items: string[] = []
    let at = offset
    while (at + 8 <= end) {
      const length = 8 + data.readUInt8(at + 1) * 4
      items.push(sidText(data, at, length))
      at += length
    }
    return items.join(',')
  }
  const itemSize = FIXED_SIZES[itemType]
  if (itemSize === undefined) return data.toString('hex', offset, end).toUpperCase()
  const items: string[] = []
  for (let at = offset; at + itemSize <= end; at += itemSize)
    items.push(scalarText(data, at, itemSize, itemType))
  return items.join(',')
}

function numberValue(number: number): EvtxValue {
  return { kind: 'number', number, text: String(number) }
}

function bigNumberValue(big: bigint): EvtxValue {
  return { kind: 'number', number: Number(big), text: big.toString() }
}

/** UTF-16LE text, cut at the first NUL (values are often NUL-terminated inside their size). */
export function utf16UpToNul(data: Buffer, start: number, end: number): string {
  const text = data.toString('utf16le', start, end - ((end - start) & 1))
  const nul = text.indexOf('\0')
  return nul === -1 ? text : text.slice(0, nul)
}

function ansiUpToNul(data: Buffer, start: number, end: number): string {
  const nul = data.indexOf(0, start)
  return data.toString('latin1', start, nul === -1 || nul > end ? end : nul)
}

const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0').toUpperCase())

/** `D1-D2-D3-D4[0..2]-D4[2..8]`, the first three groups little-endian, as evtx_dump writes GUIDs. */
function guidText(data: Buffer, offset: number): string {
  let text = ''
  for (const index of GUID_BYTE_ORDER) text += index === -1 ? '-' : HEX_BYTES[data[offset + index]!]!
  return text
}

const GUID_BYTE_ORDER = [3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15]

function sidText(data: Buffer, offset: number, size: number): string {
  if (size < 8) return 'S-?'
  const revision = data.readUInt8(offset)
  const count = data.readUInt8(offset + 1)
  const authority = data.readUIntBE(offset + 2, 6)
  let text = `S-${revision}-${authority}`
  for (let index = 0; index < count && offset + 8 + index * 4 + 4 <= offset + size; index += 1) {
    text += `-${data.readUInt32LE(offset + 8 + index * 4)}`
  }
  return text
}

const EPOCH_DIFFERENCE_MICROS = 11_644_473_600_000_000n

/** FILETIME (100 ns ticks since 1601) as `YYYY-MM-DDTHH:MM:SS.ffffffZ`. */
export function fileTimeText(ticks: bigint): string {
  const micros = ticks / 10n - EPOCH_DIFFERENCE_MICROS
  const millis = micros / 1000n
  let subMillis = Number(micros % 1000n)
  let date = new Date(Number(millis))
  if (subMillis < 0) {
    subMillis += 1000
    date = new Date(Number(millis) - 1)
  }
  if (Number.isNaN(date.getTime())) return ''
  return isoMicros(date, subMillis)
}

function systemTimeText(data: Buffer, offset: number): string {
  const date = new Date(
    Date.UTC(
      data.readUInt16LE(offset),
      data.readUInt16LE(offset + 2) - 1,
      data.readUInt16LE(offset + 6),
      data.readUInt16LE(offset + 8),
      data.readUInt16LE(offset + 10),
      data.readUInt16LE(offset + 12),
      data.readUInt16LE(offset + 14),
    ),
  )
  if (Number.isNaN(date.getTime())) return ''
  return isoMicros(date, 0)
}

function isoMicros(date: Date, subMillis: number): string {
  const iso = date.toISOString()
  // toISOString: YYYY-MM-DDTHH:MM:SS.mmmZ (years 0..9999)
  return `${iso.slice(0, -1)}${String(subMillis).padStart(3, '0')}Z`
}

function shortestFloat32(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  for (let digits = 1; digits <= 9; digits += 1) {
    const text = Number(value.toPrecision(digits))
    if (Math.fround(text) === value) return String(text)
  }
  return String(value)
}
