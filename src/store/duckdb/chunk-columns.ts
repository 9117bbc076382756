import type { DuckDBDataChunk } from '@duckdb/node-api'
import { duckdbBindings } from './duckdb-bindings.js'

/**
 * Writes a column of a DuckDB data chunk straight into its vector: fixed-size values through one
 * typed array copied in one call, strings one call each, nulls through the validity mask.
 *
 * Why not `DuckDBDataChunk.setColumnValues`: it wraps each value (a BigInt for a BIGINT, a
 * `DuckDBTimestampTZValue` for a timestamp), caches it in an array, and keeps validity as BigInt
 * bit operations per row. For the events table's 17 typed columns that cost about 2.4 µs of the
 * main thread per event (`.prof/flush.ts`, 1,000-row chunks).
 */

const TWO_32 = 2 ** 32

/** Scratch words, grown to the largest chunk written: 2 per row for int64, 1 per row for int32. */
let words: Uint32Array<ArrayBuffer> = new Uint32Array(2 * 2048)
/** One bit per row, in 64-bit words (DuckDB's validity mask layout), 1 = valid. */
let mask: Uint32Array<ArrayBuffer> = new Uint32Array(2 * 32)

function scratch(rows: number): Uint32Array<ArrayBuffer> {
  if (words.length < 2 * rows) words = new Uint32Array(2 * rows)
  return words
}

function validityMask(rows: number): Uint32Array<ArrayBuffer> {
  const length = 2 * Math.ceil(rows / 64)
  if (mask.length < length) mask = new Uint32Array(length)
  mask.fill(0xffffffff, 0, length)
  return mask
}

/** `mask` (made at the first null of the column) with `row` marked null. */
function withNull(
  mask: Uint32Array<ArrayBuffer> | undefined,
  rows: number,
  row: number,
): Uint32Array<ArrayBuffer> {
  const valid = mask ?? validityMask(rows)
  valid[row >>> 5]! &= ~(1 << (row & 31))
  return valid
}

function writeValidity(
  chunk: DuckDBDataChunk,
  column: number,
  rows: number,
  valid: Uint32Array<ArrayBuffer>,
): void {
  const vector = duckdbBindings.data_chunk_get_vector(chunk.chunk, column)
  duckdbBindings.vector_ensure_validity_writable(vector)
  duckdbBindings.copy_data_to_vector_validity(vector, 0, valid.buffer, 0, 8 * Math.ceil(rows / 64))
}

/**
 * 64-bit integers (BIGINT, or TIMESTAMP WITH TIME ZONE as microseconds) given as safe integers,
 * times `scale`, or null.
 */
export function writeInt64Column(
  chunk: DuckDBDataChunk,
  column: number,
  rows: number,
  valueAt: (row: number) => number | null | undefined,
  /** Each value is stored times this (1000: milliseconds given, microseconds stored), exactly. */
  scale = 1,
): void {
  const out = scratch(rows)
  let valid: Uint32Array<ArrayBuffer> | undefined
  for (let row = 0; row < rows; row++) {
    const value = valueAt(row)
    if (value === null || value === undefined) {
      valid = withNull(valid, rows, row)
      out[2 * row] = 0
      out[2 * row + 1] = 0
      continue
    }
    // An invalid Date's NaN must not become 1970 in silence.
    if (!Number.isSafeInteger(value))
      throw new RangeError(`column ${column}, row ${row}: ${value} is not a safe integer for a 64-bit column`)
    // Two's complement halves, little-endian: high word floor(v / 2^32), low word the rest. The
    // halves are scaled apart, so that value × scale is exact beyond 2^53 (microseconds after 2255).
    const high = Math.floor(value / TWO_32)
    const low = (value - high * TWO_32) * scale
    const carry = Math.floor(low / TWO_32)
    out[2 * row] = low - carry * TWO_32
    out[2 * row + 1] = high * scale + carry
  }
  const vector = duckdbBindings.data_chunk_get_vector(chunk.chunk, column)
  duckdbBindings.copy_data_to_vector(vector, 0, out.buffer, 0, 8 * rows)
  if (valid) writeValidity(chunk, column, rows, valid)
}

/** 32-bit integers (INTEGER), or null. */
export function writeInt32Column(
  chunk: DuckDBDataChunk,
  column: number,
  rows: number,
  valueAt: (row: number) => number | null | undefined,
): void {
  const out = scratch(rows)
  let valid: Uint32Array<ArrayBuffer> | undefined
  for (let row = 0; row < rows; row++) {
    const value = valueAt(row)
    if (value === null || value === undefined) {
      valid = withNull(valid, rows, row)
      out[row] = 0
    } else out[row] = value | 0
  }
  const vector = duckdbBindings.data_chunk_get_vector(chunk.chunk, column)
  duckdbBindings.copy_data_to_vector(vector, 0, out.buffer, 0, 4 * rows)
  if (valid) writeValidity(chunk, column, rows, valid)
}

/** DuckDB's `duckdb_string_t` (duckdb.h): 16 bytes, a string of up to 12 UTF-8 bytes held inline. */
const STRING_T_BYTES = 16
const INLINE_BYTES = 12

let slots = Buffer.alloc(STRING_T_BYTES * 2048)

/**
 * Strings (VARCHAR), or null. A string of up to 12 UTF-8 bytes (an event code, a short host or
 * user name, the '' of a journaled original) is written inline, as the C API's `duckdb_string_t`
 * lays it out (length, then the bytes, zero-padded), with the rest of the column in one copy;
 * a longer one goes through `duckdb_vector_assign_string_element`, which puts it in the vector's
 * string heap.
 */
export function writeVarCharColumn(
  chunk: DuckDBDataChunk,
  column: number,
  rows: number,
  valueAt: (row: number) => string | null | undefined,
): void {
  const vector = duckdbBindings.data_chunk_get_vector(chunk.chunk, column)
  if (slots.length < STRING_T_BYTES * rows) slots = Buffer.alloc(STRING_T_BYTES * rows)
  else slots.fill(0, 0, STRING_T_BYTES * rows)
  let valid: Uint32Array<ArrayBuffer> | undefined
  const long: Array<number | string> = []
  for (let row = 0; row < rows; row++) {
    const value = valueAt(row)
    if (value === null || value === undefined) {
      valid = withNull(valid, rows, row)
      continue
    }
    // A string of more than 12 UTF-16 units is more than 12 UTF-8 bytes: no need to count them.
    const bytes = value.length <= INLINE_BYTES ? Buffer.byteLength(value, 'utf8') : INLINE_BYTES + 1
    if (bytes > INLINE_BYTES) {
      long.push(row, value)
      continue
    }
    const at = STRING_T_BYTES * row
    slots.writeUInt32LE(bytes, at)
    slots.write(value, at + 4, bytes, 'utf8')
  }
  duckdbBindings.copy_data_to_vector(vector, 0, slots.buffer, slots.byteOffset, STRING_T_BYTES * rows)
  for (let index = 0; index < long.length; index += 2)
    duckdbBindings.vector_assign_string_element(vector, long[index] as number, long[index + 1] as string)
  if (valid) writeValidity(chunk, column, rows, valid)
}
