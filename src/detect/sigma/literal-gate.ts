/** Most literals folded into one native gate; beyond that the automaton alone is faster. */
const MAX_GATE_LITERALS = 64
/** Characters whose lowercase is ASCII but which a non-Unicode /i search does not fold. */
const UNFOLDED = /[\u0130\u212a]/
/** Every character a number's or boolean's text can have (`-1.5e+21`, `NaN`, `Infinity`, `false`). */
const SCALAR_CHARS = /^[0-9.+\-einftyarusl]*$/i
/** Length of the substrings of literals a pre-check searches for (see `anchorsOf`). */
const ANCHOR_LENGTH = 4
/** Two punctuation characters that are rare together in event text (`::`), an anchor of their own. */
const RARE_PAIR = /^[^\sa-z0-9\\/.,\-_]{2}$/i

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
    private readonly anchors: RegExp | undefined,
    private readonly minLength: number,
    /** Can a number's or boolean's text hold a literal? */
    readonly mayMatchScalars: boolean,
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
    const regex = alternation(unique)
    const anchors = anchorsOf(unique)
    const minLength = Math.min(...unique.map((literal) => literal.length))
    const scalars = unique.some((literal) => SCALAR_CHARS.test(literal))
    return new LiteralGate(
      regex,
      anchors.length * 2 <= unique.length ? alternation(anchors) : undefined,
      minLength,
      scalars,
    )
  }

  /** Might `text` contain a literal? */
  passes(text: string): boolean {
    // A string's lowercase is at most twice as long (İ → i̇), and only with such a character.
    if (text.length >= this.minLength)
      return (this.anchors === undefined || this.anchors.test(text)) && this.regex.test(text)
    return text.length > 0 && UNFOLDED.test(text)
  }
}

/**
 * A case-insensitive search for any of `literals`; the characters a non-Unicode /i search does not
 * fold are one more alternative: one native search per value instead of two.
 */
function alternation(literals: readonly string[]): RegExp {
  const alternatives = literals.map((literal) => literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
  return new RegExp([...alternatives, UNFOLDED.source].join('|'), 'i')
}

/**
 * A few substrings, each of some literals, that together cover all of them: a text without any
 * has no literal. Searching for them first is cheaper when they are far fewer than the literals
 * (the 20 Mimikatz keywords share `::`, `kiwi` and `mimi`), and most texts stop there. Chosen
 * greedily, the substring common to most uncovered literals first.
 */
function anchorsOf(literals: readonly string[]): string[] {
  const uncovered = new Set(literals.map((literal) => literal.toLowerCase()))
  const anchors: string[] = []
  while (uncovered.size > 0) {
    const coverage = new Map<string, number>()
    for (const literal of uncovered) {
      for (const candidate of anchorCandidates(literal))
        coverage.set(candidate, (coverage.get(candidate) ?? 0) + 1)
    }
    let best = ''
    let bestCount = 0
    for (const [candidate, count] of coverage) {
      if (count > bestCount) {
        best = candidate
        bestCount = count
      }
    }
    anchors.push(best)
    for (const literal of [...uncovered]) if (literal.includes(best)) uncovered.delete(literal)
  }
  return anchors
}

/** The substrings of ANCHOR_LENGTH (the literal itself when shorter) and rare pairs of `literal`. */
function anchorCandidates(literal: string): Set<string> {
  const candidates = new Set<string>()
  if (literal.length <= ANCHOR_LENGTH) candidates.add(literal)
  for (let start = 0; start + ANCHOR_LENGTH <= literal.length; start++)
    candidates.add(literal.slice(start, start + ANCHOR_LENGTH))
  for (let start = 0; start + 2 <= literal.length; start++) {
    const pair = literal.slice(start, start + 2)
    if (RARE_PAIR.test(pair)) candidates.add(pair)
  }
  return candidates
}
