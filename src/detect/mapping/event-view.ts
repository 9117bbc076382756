import {
  collectLeafStrings,
  detectShape,
  type EventShape,
  forgetSpacedKeys,
  readField,
} from './event-shape.js'
import { type FieldRef, fieldRefCount } from './field-ref.js'

/**
 * One event as the matchers see it. Reused across events (`reset`) so that the hot path
 * allocates nothing per field: each field is read from the event at most once and lowercased at
 * most once per event, whatever the number of rules that test it.
 */
export class EventView {
  event: Record<string, unknown> = {}
  shape: EventShape = 'flat'
  /** Rule field → event field for the log source being evaluated (e.g. Image → NewProcessName). */
  fieldMap: ReadonlyMap<number, FieldRef> | undefined
  private epoch = 1
  private valueEpochs = new Uint32Array(0)
  private values: unknown[] = []
  private lowerEpochs = new Uint32Array(0)
  private lowers: (string | undefined)[] = []
  private leaves: string[] | undefined
  private lowerLeaves: string[] | undefined
  private joined: string | undefined
  private lowerJoined: string | undefined

  constructor(private readonly ecsFields: Record<string, readonly (readonly string[])[]>) {}

  reset(event: Record<string, unknown>): void {
    this.event = event
    this.shape = detectShape(event)
    forgetSpacedKeys()
    this.fieldMap = undefined
    this.leaves = undefined
    this.lowerLeaves = undefined
    this.joined = undefined
    this.lowerJoined = undefined
    this.epoch++
    if (this.epoch === 0xffffffff) {
      this.epoch = 1
      this.valueEpochs.fill(0)
      this.lowerEpochs.fill(0)
    }
  }

  /** The raw value, after this log source's field mapping; `undefined` when absent. */
  get(field: FieldRef): unknown {
    const target = this.fieldMap === undefined ? field : (this.fieldMap.get(field.id) ?? field)
    return this.read(target)
  }

  /** The value as lowercase text when it is a string, number or boolean; otherwise undefined. */
  lower(field: FieldRef): string | undefined {
    const target = this.fieldMap === undefined ? field : (this.fieldMap.get(field.id) ?? field)
    const id = target.id
    if (id >= this.lowerEpochs.length) this.grow()
    if (this.lowerEpochs[id] === this.epoch) return this.lowers[id]
    const value = this.read(target)
    const text = scalarText(value)
    const lowered = text === undefined ? undefined : text.toLowerCase()
    this.lowers[id] = lowered
    this.lowerEpochs[id] = this.epoch
    return lowered
  }

  /** Every scalar value of the event as text (keyword searches). */
  leafStrings(): string[] {
    if (this.leaves === undefined) {
      this.leaves = []
      collectLeafStrings(this.event, this.leaves)
    }
    return this.leaves
  }

  lowerLeafStrings(): string[] {
    if (this.lowerLeaves === undefined)
      this.lowerLeaves = this.leafStrings().map((leaf) => leaf.toLowerCase())
    return this.lowerLeaves
  }

  /** Every scalar value joined by LEAF_SEPARATOR: one string to search for keywords. */
  joinedLeaves(): string {
    if (this.joined === undefined) this.joined = this.leafStrings().join(LEAF_SEPARATOR)
    return this.joined
  }

  lowerJoinedLeaves(): string {
    if (this.lowerJoined === undefined) this.lowerJoined = this.joinedLeaves().toLowerCase()
    return this.lowerJoined
  }

  private read(field: FieldRef): unknown {
    const id = field.id
    if (id >= this.valueEpochs.length) this.grow()
    if (this.valueEpochs[id] === this.epoch) return this.values[id]
    const value = readField(this.event, this.shape, field, this.ecsFields)
    this.values[id] = value
    this.valueEpochs[id] = this.epoch
    return value
  }

  private grow(): void {
    const size = Math.max(fieldRefCount(), 64) * 2
    const valueEpochs = new Uint32Array(size)
    valueEpochs.set(this.valueEpochs)
    this.valueEpochs = valueEpochs
    const lowerEpochs = new Uint32Array(size)
    lowerEpochs.set(this.lowerEpochs)
    this.lowerEpochs = lowerEpochs
  }
}

/** Between values in `joinedLeaves`: a keyword containing it is searched value by value instead. */
export const LEAF_SEPARATOR = '\u0000'

/** Text form used for string matching: numbers and booleans as written in JSON. */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value)
  return undefined
}
