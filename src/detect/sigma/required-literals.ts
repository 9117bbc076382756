import type { FieldRef } from '../mapping/field-ref.js'
import type { MatchNode } from './compile-rule.js'

/** "The lowercase text of `field` (null: of some value of the event) contains `literal`." */
export interface LiteralAtom {
  field: FieldRef | null
  literal: string
}

/** At least one atom of the group holds whenever the rule matches. */
export type LiteralGroup = LiteralAtom[]

/** Most groups kept per rule: each must be hit before the rule is evaluated. */
export const MAX_GROUPS = 3

/**
 * Necessary literal conditions of a rule in conjunctive form: every returned group must have
 * one atom present in the event for the rule to be able to match. An empty list means the rule
 * can match without any literal (regex-only, keyword, numeric, `not`…) and is always evaluated.
 * AND collects its children's groups; OR unions one group from each child (all must have one).
 */
export function requiredLiteralGroups(node: MatchNode): LiteralGroup[] {
  switch (node.kind) {
    case 'item': {
      const { field, literals } = node.item
      if (literals === undefined || literals.length === 0) return []
      return [literals.map((literal) => ({ field, literal }))]
    }
    case 'not':
      return []
    case 'or': {
      // (A ∧ B) ∨ C ⇒ (A ∨ C) ∧ (B ∨ C): each combination of one group per child is a group of
      // the OR. The best MAX_GROUPS combinations are kept as the children are taken in turn, so
      // a child's rare group is not lost to a common one that scores higher (`\windows\` on
      // Image beside `\..\..\` on CommandLine).
      let combinations: LiteralGroup[] = [[]]
      for (const item of node.items) {
        const groups = requiredLiteralGroups(item)
        if (groups.length === 0) return []
        combinations = best(combinations.flatMap((union) => groups.map((group) => [...union, ...group])))
      }
      return combinations
    }
    case 'and':
      return best(node.items.flatMap(requiredLiteralGroups))
  }
}

/** The MAX_GROUPS groups most likely to be missing from an event. */
function best(groups: LiteralGroup[]): LiteralGroup[] {
  return groups.sort((a, b) => score(b) - score(a)).slice(0, MAX_GROUPS)
}

/** Longer shortest-literal is rarer in events; among equals, fewer atoms. */
function score(atoms: LiteralGroup): number {
  let shortest = Number.POSITIVE_INFINITY
  for (const atom of atoms) shortest = Math.min(shortest, atom.literal.length)
  return Math.min(shortest, 16) * 1000 - atoms.length
}
