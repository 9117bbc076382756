import { UserError } from '../../core/errors.js'

/** Where a problem is in a rule file; every field that is known is filled in. */
export interface RuleLocation {
  file: string
  line?: number
  ruleId?: string
  /** The rule attribute or detection field at fault, e.g. `detection.selection.CommandLine|re`. */
  field?: string
}

export function formatLocation(location: RuleLocation): string {
  const where = location.line === undefined ? location.file : `${location.file}:${location.line}`
  const parts = [where]
  if (location.ruleId !== undefined) parts.push(`rule ${location.ruleId}`)
  if (location.field !== undefined) parts.push(`field ${location.field}`)
  return parts.join(', ')
}

/**
 * A Sigma rule that cannot be loaded: invalid YAML, a missing attribute, or a construct this engine
 * does not support. Never silently skipped: callers list these to the user.
 */
export class RuleLoadError extends UserError {
  readonly location: RuleLocation
  readonly reason: string

  constructor(location: RuleLocation, reason: string, code = 'sigma_rule_invalid') {
    super(code, `${formatLocation(location)}: ${reason}`, {
      details: [{ path: formatLocation(location), message: reason }],
    })
    this.location = location
    this.reason = reason
  }
}

/** A construct that is valid Sigma but that this engine does not implement (named in the message). */
export class UnsupportedRuleError extends RuleLoadError {
  constructor(location: RuleLocation, construct: string) {
    super(location, `unsupported construct: ${construct}`, 'sigma_rule_unsupported')
  }
}
