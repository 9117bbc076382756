/**
 * A field name as rules use it (`CommandLine`, `userIdentity.type`), interned once so that the
 * per-event caches are arrays indexed by `id` rather than maps keyed by strings.
 */
export interface FieldRef {
  readonly id: number
  readonly name: string
  /** `name` split on dots, for nested JSON (`userIdentity.type`). */
  readonly path: readonly string[]
}

const byName = new Map<string, FieldRef>()
const all: FieldRef[] = []

export function fieldRef(name: string): FieldRef {
  let ref = byName.get(name)
  if (ref === undefined) {
    ref = { id: all.length, name, path: name.split('.') }
    byName.set(name, ref)
    all.push(ref)
  }
  return ref
}

export function fieldRefCount(): number {
  return all.length
}
