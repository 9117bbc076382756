import type { FieldRef } from '../mapping/field-ref.js'
import type { MatchNode } from './compile-rule.js'

/** "The lowercase text of `field` contains `literal`." */
export interface LiteralAtom {
  field: FieldRef
  literal: string
}

/**
 * A set of atoms of which at least one holds whenever the rule matches (a necessary condition),
 * or undefined when the rule can match without any literal (regex-only, keyword, numeric, `not`…).
 * AND keeps the most selective child; OR needs every child to give one.
 */
export function requiredLiterals(node: MatchNode): LiteralAtom[] | undefined {
  switch (node.kind) {
    case 'item': {
      const { field, literals } = node.item
      if (field === null || literals === undefined) return undefined
      return literals.map((literal) => ({ field, literal }))
    }
    case 'not':
      return undefined
    case 'or': {
      const all: LiteralAtom[] = []
      for (const item of node.items) {
        const atoms = requiredLiterals(item)
        if (atoms === undefined) return undefined
        all.push(...atoms)
      }
      return all
    }
    case 'and': {
      let best: LiteralAtom[] | undefined
      for (const item of node.items) {
        const atoms = requiredLiterals(item)
        if (atoms !== undefined && (best === undefined || score(atoms) > score(best))) best = atoms
      }
      return best
    }
  }
}

/** Longer shortest-literal is rarer in events; among equals, fewer atoms. */
function score(atoms: LiteralAtom[]): number {
  let shortest = Number.POSITIVE_INFINITY
  for (const atom of atoms) shortest = Math.min(shortest, atom.literal.length)
  return Math.min(shortest, 16) * 1000 - atoms.length
}
