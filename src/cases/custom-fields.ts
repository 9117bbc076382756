import type { ErrorDetail } from '../core/errors.js'
import { UserError } from '../core/errors.js'
import type { CustomFieldDefinition } from '../store/schema.js'

export type CustomFieldValue = string | number | boolean
export type CustomFields = Record<string, CustomFieldValue>

const MAX_FIELDS = 100
const MAX_TEXT = 10_000
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/
const FREE_NAME = /^[A-Za-z][\w.-]{0,63}$/

function checkValue(
  definition: CustomFieldDefinition,
  value: unknown,
): { value: CustomFieldValue } | { problem: string } {
  switch (definition.type) {
    case 'string':
      return typeof value === 'string' && value.length <= MAX_TEXT
        ? { value }
        : { problem: `must be text of at most ${MAX_TEXT} characters` }
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? { value } : { problem: 'must be a number' }
    case 'boolean':
      return typeof value === 'boolean' ? { value } : { problem: 'must be true or false' }
    case 'date': {
      if (typeof value !== 'string') return { problem: 'must be an ISO date (2026-11-30) or date-time' }
      if (DATE_ONLY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))) return { value }
      const time = Date.parse(value)
      // Date-times keep the instant; the offset the person typed is not needed to order them.
      return /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(time)
        ? { value: new Date(time).toISOString() }
        : { problem: 'must be an ISO date (2026-11-30) or date-time' }
    }
    case 'enum':
      return typeof value === 'string' && (definition.options ?? []).includes(value)
        ? { value }
        : { problem: `must be one of ${(definition.options ?? []).join(', ')}` }
  }
}

/**
 * Applies `changes` (null removes a field) to `current` and checks the result against the
 * template's field definitions: known names, types, enum options. Without definitions (no
 * template) fields are free-form text, numbers or booleans. Every problem is reported at once.
 */
export function applyCustomFields(
  current: CustomFields,
  changes: Record<string, unknown>,
  definitions: CustomFieldDefinition[] | undefined,
): CustomFields {
  const next: CustomFields = { ...current }
  const problems: ErrorDetail[] = []
  for (const [name, raw] of Object.entries(changes)) {
    const path = `customFields.${name}`
    if (raw === null) {
      delete next[name]
      continue
    }
    if (!definitions) {
      if (!FREE_NAME.test(name)) problems.push({ path, message: 'not a field name' })
      else if (typeof raw === 'boolean' || (typeof raw === 'number' && Number.isFinite(raw))) next[name] = raw
      else if (typeof raw === 'string' && raw.length <= MAX_TEXT) next[name] = raw
      else problems.push({ path, message: 'must be text, a number or a boolean' })
      continue
    }
    const definition = definitions.find((field) => field.name === name)
    if (!definition) {
      problems.push({ path, message: `not a field of this incident's template` })
      continue
    }
    const checked = checkValue(definition, raw)
    if ('problem' in checked) problems.push({ path, message: `${definition.label} ${checked.problem}` })
    else next[name] = checked.value
  }
  if (Object.keys(next).length > MAX_FIELDS)
    problems.push({ path: 'customFields', message: `at most ${MAX_FIELDS} fields` })
  if (problems.length > 0)
    throw new UserError(
      'invalid_custom_fields',
      `invalid custom fields: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      { details: problems },
    )
  return next
}

/** Required fields still empty: an incident cannot close until they hold a value. */
export function missingRequiredFields(
  fields: CustomFields,
  definitions: CustomFieldDefinition[] | undefined,
): CustomFieldDefinition[] {
  return (definitions ?? []).filter(
    (definition) =>
      definition.required && (fields[definition.name] === undefined || fields[definition.name] === ''),
  )
}

/** `a: 1 → 2` lines for the timeline. */
export function describeFieldChanges(before: CustomFields, after: CustomFields): string[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
  return names.flatMap((name) => {
    const from = before[name]
    const to = after[name]
    if (from === to) return []
    const show = (value: CustomFieldValue | undefined) => (value === undefined ? '∅' : JSON.stringify(value))
    return [`${name}: ${show(from)} → ${show(to)}`]
  })
}
