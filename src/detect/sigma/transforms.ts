import { hasWildcards, parseSigmaString, type SigmaPattern } from './sigma-string.js'

/**
 * Value-transforming modifiers, applied in the order written. A value may expand into several
 * (windash, base64offset, expand). `binary` marks text whose characters are bytes (after utf16*),
 * so that base64 encodes those bytes rather than their UTF-8 form.
 */
export interface TransformedValue {
  pattern: SigmaPattern
  binary: boolean
}

export class TransformError extends Error {}

export const TRANSFORM_MODIFIERS = [
  'windash',
  'base64',
  'base64offset',
  'utf16le',
  'utf16be',
  'utf16',
  'wide',
  'expand',
] as const
export type TransformModifier = (typeof TRANSFORM_MODIFIERS)[number]

export function isTransformModifier(name: string): name is TransformModifier {
  return (TRANSFORM_MODIFIERS as readonly string[]).includes(name)
}

const DASHES = ['-', '/', '–', '—', '―']
const WORD_CHAR = /[\p{L}\p{N}_]/u

/**
 * `windash`: every `-` or `/` that starts a flag (pySigma's `\B[-/]\b`: not preceded by a word
 * character, followed by one) may be any of - / – — ―.
 */
export function windash(value: TransformedValue): TransformedValue {
  const flat: Array<SigmaPattern[number]> = []
  for (const part of value.pattern) {
    if (typeof part === 'string') flat.push(...part.split(''))
    else flat.push(part)
  }
  const isWord = (part: SigmaPattern[number] | undefined) => typeof part === 'string' && WORD_CHAR.test(part)
  const pattern: SigmaPattern = flat.map((part, index) => {
    if ((part === '-' || part === '/') && !isWord(flat[index - 1]) && isWord(flat[index + 1])) {
      return { choice: DASHES }
    }
    return part
  })
  return { pattern, binary: value.binary }
}

function plainText(value: TransformedValue, modifier: string): string {
  if (hasWildcards(value.pattern)) {
    throw new TransformError(`${modifier} cannot encode a value with wildcards`)
  }
  return value.pattern.join('')
}

function toBytes(value: TransformedValue, modifier: string): Buffer {
  const text = plainText(value, modifier)
  return value.binary ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8')
}

export function base64(value: TransformedValue): TransformedValue {
  return { pattern: [toBytes(value, 'base64').toString('base64')], binary: false }
}

/** The three encodings of a value at byte offsets 0, 1 and 2 of a base64 stream, trimmed of unstable edges. */
export function base64offset(value: TransformedValue): TransformedValue[] {
  const bytes = toBytes(value, 'base64offset')
  const startOffsets = [0, 2, 3]
  const endOffsets = [0, -3, -2]
  const variants: TransformedValue[] = []
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift, 0x20), bytes]).toString('base64')
    const end = endOffsets[(bytes.length + shift) % 3]!
    const text = encoded.slice(startOffsets[shift], end === 0 ? undefined : end)
    variants.push({ pattern: [text], binary: false })
  }
  return variants
}

function utf16(value: TransformedValue, modifier: TransformModifier): TransformedValue {
  const text = plainText(value, modifier)
  let bytes = Buffer.from(text, 'utf16le')
  if (modifier === 'utf16be') bytes = bytes.swap16()
  if (modifier === 'utf16') bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), bytes])
  return { pattern: [bytes.toString('latin1')], binary: true }
}

/** Placeholder values by name (without `%`); a value may use wildcards (`srv*`). */
export type PlaceholderValues = Readonly<Record<string, readonly string[]>>

/**
 * `expand`: `%name%` placeholders become each configured value (several placeholders: every
 * combination); `\%` is a literal percent sign. An unknown placeholder is an error.
 */
export function expandPlaceholders(text: string, placeholders: PlaceholderValues): TransformedValue[] {
  const pieces: Array<{ literal: string } | { name: string }> = []
  let literal = ''
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!
    if (char === '\\' && text[index + 1] === '%') {
      literal += '\\%'
      index++
    } else if (char === '%') {
      const close = text.indexOf('%', index + 1)
      if (close < 0) throw new TransformError(`unclosed placeholder in "${text}"`)
      pieces.push({ literal })
      literal = ''
      pieces.push({ name: text.slice(index + 1, close) })
      index = close
    } else {
      literal += char
    }
  }
  pieces.push({ literal })
  let results: string[] = ['']
  for (const piece of pieces) {
    if ('literal' in piece) {
      results = results.map((prefix) => prefix + piece.literal)
      continue
    }
    const values = placeholders[piece.name]
    if (values === undefined || values.length === 0) {
      throw new TransformError(`placeholder %${piece.name}% has no configured values`)
    }
    results = results.flatMap((prefix) => values.map((value) => prefix + value))
  }
  return results.map((result) => ({
    pattern: parseSigmaString(result.replaceAll('\\%', '%')),
    binary: false,
  }))
}

export function applyTransform(modifier: TransformModifier, values: TransformedValue[]): TransformedValue[] {
  switch (modifier) {
    case 'windash':
      return values.map(windash)
    case 'base64':
      return values.map(base64)
    case 'base64offset':
      return values.flatMap(base64offset)
    case 'utf16le':
    case 'wide':
      return values.map((value) => utf16(value, 'utf16le'))
    case 'utf16be':
    case 'utf16':
      return values.map((value) => utf16(value, modifier))
    case 'expand':
      // Placeholders are expanded from the source text before any other transform (see compile-item).
      return values
  }
}
