/** Most literals folded into one native gate; beyond that the automaton alone is faster. */
const MAX_GATE_LITERALS = 64
/** Characters whose lowercase is ASCII but which a non-Unicode /i search does not fold. */
const UNFOLDED = /[\u0130\u212a]/
/** Every character a number's or boolean's text can have (`-1.5e+21`, `NaN`, `Infinity`, `false`). */
const SCALAR_CHARS = /^[0-9.+\-einftyarusl]*$/i

/**
 * A native test every text containing one of a few literals passes, run before a literal
 * automaton scans the text: most texts contain none of them and skip the scan, which costs a few
 * times more per character than the native search. It is a case-insensitive alternation of plain
 * literals (no quantifiers, so at most O(text × literals) steps, never exponential). Texts that
 * cannot hold a literal are not searched: strings shorter than the shortest one (unless they
 * have a character whose lowercase grows, İ), and numbers and booleans when no literal is made
 * of the characters of their text.
 */
export class LiteralGate {
  private constructor(
    private readonly regex: RegExp,
    private readonly minLength: number,
    private readonly scalars: boolean,
  ) {}

  /** undefined when the literals are too many or not printable ASCII (no gate, always scan). */
  static of(literals: readonly string[]): LiteralGate | undefined {
    const unique = [...new Set(literals)]
    if (
      unique.length === 0 ||
      unique.length > MAX_GATE_LITERALS ||
      unique.includes('') ||
      unique.some((literal) => /[^\u0020-\u007e]/.test(literal))
    )
      return undefined
    const alternatives = unique.map((literal) => literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    // The characters a non-Unicode /i search does not fold are one more alternative: one native
    // search per value instead of two.
    const regex = new RegExp([...alternatives, UNFOLDED.source].join('|'), 'i')
    const minLength = Math.min(...unique.map((literal) => literal.length))
    const scalars = unique.some((literal) => SCALAR_CHARS.test(literal))
    return new LiteralGate(regex, minLength, scalars)
  }

  /** Might `text` contain a literal? */
  passes(text: string): boolean {
    // A string's lowercase is at most twice as long (İ → i̇), and only with such a character.
    if (text.length >= this.minLength) return this.regex.test(text)
    return text.length > 0 && UNFOLDED.test(text)
  }

  /** Might some value of `event` (down to `depth` levels of objects) contain a literal? */
  passesAnyValue(value: unknown, depth: number): boolean {
    if (typeof value === 'string') return this.passes(value)
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
      return this.scalars && this.regex.test(String(value))
    if (Array.isArray(value)) {
      for (const element of value) if (this.passesAnyValue(element, depth)) return true
      return false
    }
    if (depth > 1 && typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>
      for (const key in record) if (this.passesAnyValue(record[key], depth - 1)) return true
    }
    return false
  }
}
