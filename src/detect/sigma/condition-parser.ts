import type { ConditionNode } from './types.js'

/**
 * Recursive-descent parser for Sigma conditions. Precedence, least to most binding:
 * `or`, `and`, `not`, `x of pattern`, `( … )`.
 *
 *   or      := and ('or' and)*
 *   and     := unary ('and' unary)*
 *   unary   := 'not' unary | primary
 *   primary := '(' or ')' | ('1' | 'all') 'of' (IDENT | 'them') | IDENT
 */
export class ConditionSyntaxError extends Error {}

const TOKEN = /\s*(\(|\)|[^\s()]+)/y

export function parseCondition(text: string): ConditionNode {
  const tokens = tokenize(text)
  let position = 0

  const peek = () => tokens[position]
  const next = () => tokens[position++]
  const keyword = (token: string | undefined, word: string) =>
    token !== undefined && token.toLowerCase() === word

  const parseOr = (): ConditionNode => {
    const items = [parseAnd()]
    while (keyword(peek(), 'or')) {
      next()
      items.push(parseAnd())
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items }
  }

  const parseAnd = (): ConditionNode => {
    const items = [parseUnary()]
    while (keyword(peek(), 'and')) {
      next()
      items.push(parseUnary())
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items }
  }

  const parseUnary = (): ConditionNode => {
    if (keyword(peek(), 'not')) {
      next()
      return { kind: 'not', item: parseUnary() }
    }
    return parsePrimary()
  }

  const parsePrimary = (): ConditionNode => {
    const token = next()
    if (token === undefined) throw new ConditionSyntaxError('unexpected end of condition')
    if (token === '(') {
      const inner = parseOr()
      if (next() !== ')') throw new ConditionSyntaxError('missing closing parenthesis')
      return inner
    }
    if (token === ')') throw new ConditionSyntaxError('unexpected ")"')
    if (isReserved(token)) throw new ConditionSyntaxError(`unexpected "${token}"`)
    if ((token === '1' || keyword(token, 'all')) && keyword(peek(), 'of')) {
      next()
      const target = next()
      if (target === undefined || target === '(' || target === ')' || isReserved(target)) {
        throw new ConditionSyntaxError(`"${token} of" needs a search identifier pattern or "them"`)
      }
      return { kind: 'of', quantifier: token === '1' ? 'one' : 'all', pattern: target }
    }
    if (token === '|')
      throw new ConditionSyntaxError('aggregation expressions ("| count() …") are not Sigma v2')
    if (keyword(peek(), 'of'))
      throw new ConditionSyntaxError(`"${token} of" is not supported: use "1 of" or "all of"`)
    return { kind: 'ref', name: token }
  }

  const tree = parseOr()
  if (position < tokens.length) {
    const rest = tokens.slice(position).join(' ')
    if (rest.startsWith('|')) {
      throw new ConditionSyntaxError(`aggregation expression "${rest}" (Sigma v1): use a correlation rule`)
    }
    throw new ConditionSyntaxError(`unexpected "${tokens[position]}"`)
  }
  return tree
}

function isReserved(token: string): boolean {
  const lower = token.toLowerCase()
  return lower === 'and' || lower === 'or' || lower === 'not' || lower === 'of'
}

function tokenize(text: string): string[] {
  const tokens: string[] = []
  TOKEN.lastIndex = 0
  let match = TOKEN.exec(text)
  while (match !== null) {
    tokens.push(match[1]!)
    match = TOKEN.exec(text)
  }
  if (text.slice(TOKEN.lastIndex).trim() !== '' && tokens.length === 0) {
    throw new ConditionSyntaxError('empty condition')
  }
  return tokens
}

/** Sigma identifier patterns use `*` as "any characters". */
export function identifierPatternMatcher(pattern: string): (name: string) => boolean {
  if (!pattern.includes('*')) return (name) => name === pattern
  const parts = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
  const regex = new RegExp(`^${parts.join('.*')}$`)
  return (name) => regex.test(name)
}
