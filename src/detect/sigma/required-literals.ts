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
      const union: LiteralAtom[] = []
      for (const item of node.items) {
        const best = bestGroup(requiredLiteralGroups(item))
        if (best === undefined) return []
        union.push(...best)
      }
      return [union]
    }
    case 'and': {
      const groups = node.items.flatMap(requiredLiteralGroups)
      return groups.sort((a, b) => score(b) - score(a)).slice(0, MAX_GROUPS)
    }
  }
}

function bestGroup(groups: LiteralGroup[]): LiteralGroup | undefined {
  let best: LiteralGroup | undefined
  for (const group of groups) if (best === undefined || score(group) > score(best)) best = group
  return best
}

/** Longer shortest-literal is rarer in events; among equals, fewer atoms. */
function score(atoms: LiteralGroup): number {
  let shortest = Number.POSITIVE_INFINITY
  for (const atom of atoms) shortest = Math.min(shortest, atom.literal.length)
  return Math.min(shortest, 16) * 1000 - atoms.length
}
