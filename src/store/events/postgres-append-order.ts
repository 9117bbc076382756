import { type Kysely, sql } from 'kysely'
import type { Database } from '../schema.js'

/**
 * Appends to PostgreSQL run in parallel (each on its own connection, in its own transaction), so
 * they may commit out of sequence order: a later batch's rows can be visible while an earlier
 * batch's are still being copied. A reader following `seq` must then not read past the first
 * sequence number still in flight, or it would move its cursor over rows that commit later.
 *
 * Two functions (migration 021) keep that bound without holding appends up:
 * - `watchfloor_reserve_event_seqs(n)` takes `n` consecutive numbers from `events_seq` and, in the
 *   same step, a shared transaction-level advisory lock named after the first of them: the lock
 *   says "these numbers are in flight" until the append commits or rolls back. Reservations are
 *   serialised by a session-level advisory lock held for microseconds (an error inside it ends the
 *   append's connection, which frees it: see appendByCopy).
 * - `watchfloor_event_seq_watermark()` returns the highest sequence number below which nothing is
 *   in flight: the last number handed out, or one less than the lowest in-flight first number.
 *   It blocks reservations while it reads (a shared transaction-level lock on the same key), so a
 *   reservation is either wholly before it (its lock visible in `pg_locks`, or already committed)
 *   or wholly after (its numbers above what it read).
 *
 * Rows are visible before their transaction's locks are released (PostgreSQL ends the transaction
 * in the proc array first), so once a lock is gone a new snapshot sees the rows: the reader takes
 * the watermark in one statement and reads the rows in the next.
 *
 * Before this, one advisory lock held from reservation to COMMIT made appends take turns, and the
 * COPY under it was the bottleneck (52-56 µs of wall time per event for about 32 µs of the
 * backend's CPU). bench:ingest on two cores, 200,000 OTRF events, runs interleaved with the
 * previous code: HTTP 18,335-18,479 -> 19,431-19,483 events/s, syslog TCP 11,255-13,899 ->
 * 15,862-17,112.
 */

/** The session-level lock serialising reservations (and the key the former append lock had). */
const RESERVE_LOCK_KEY = 0x5746_4556 // "WFEV"
/**
 * In-flight locks use the two-key form: key 1 is this base plus the first number's high 16 bits,
 * key 2 its low 32 bits (as a signed int4). `pg_locks` shows them as classid and objid with
 * objsubid 2, apart from single-key locks (objsubid 1). Sequence numbers stay below 2^48.
 */
const IN_FLIGHT_BASE = 0x5746_0000

export const CREATE_EVENT_SEQ_FUNCTIONS_SQL = `
CREATE OR REPLACE FUNCTION watchfloor_reserve_event_seqs(n integer) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  first bigint;
  low bigint;
BEGIN
  PERFORM pg_advisory_lock(${RESERVE_LOCK_KEY});
  first := setval('events_seq', nextval('events_seq') + n - 1) - n + 1;
  low := first & 4294967295;
  PERFORM pg_advisory_xact_lock_shared(
    ${IN_FLIGHT_BASE} + (first >> 32)::integer,
    (CASE WHEN low >= 2147483648 THEN low - 4294967296 ELSE low END)::integer);
  PERFORM pg_advisory_unlock(${RESERVE_LOCK_KEY});
  RETURN first;
END $$;

CREATE OR REPLACE FUNCTION watchfloor_event_seq_watermark() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  reserved bigint;
  pending bigint;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(${RESERVE_LOCK_KEY});
  SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END INTO reserved FROM events_seq;
  SELECT min(((l.classid::bigint - ${IN_FLIGHT_BASE}) << 32) + l.objid::bigint) INTO pending
    FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.objsubid = 2
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid::bigint BETWEEN ${IN_FLIGHT_BASE} AND ${IN_FLIGHT_BASE + 0xffff};
  RETURN CASE WHEN pending IS NULL THEN reserved ELSE least(reserved, pending - 1) END;
END $$;
`

/** The first of `count` sequence numbers now in flight in the caller's open transaction. */
export const RESERVE_EVENT_SEQS_SQL = 'SELECT watchfloor_reserve_event_seqs($1) AS first'

/**
 * The highest sequence number at or below which every event is committed (or never will be).
 * Run on its own, outside a transaction: the lock it takes lasts until the transaction ends.
 */
export async function eventSeqWatermark(db: Kysely<Database>): Promise<number> {
  const result = await sql<{ watermark: string | number }>`
    SELECT watchfloor_event_seq_watermark() AS watermark`.execute(db)
  return Number(result.rows[0]!.watermark)
}
