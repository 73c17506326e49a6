import { GENESIS_HASH } from '@handoff/contracts';
import { LOCK_CLASS, POSITION_LOCK, STREAM_LOCK_CLASS } from '../locks';
import type { Migration } from '../migrate';
import { CONFLICT_SQLSTATE, NOT_FIRST_WRITE_SQLSTATE } from './002_append_function';

/**
 * The global position of an append's events is its transaction id times this, plus the event's
 * index in the append (1, 2, ...). So many events fit in one append.
 */
const POSITION_SHIFT = 20;
const POSITIONS_PER_TRANSACTION = 2 ** POSITION_SHIFT;

/**
 * Appends without a global lock.
 *
 * readAll returns only rows whose transaction id is below the oldest transaction still running
 * (see postgres-event-store.ts). That is exact only if global positions rise in the order
 * transaction ids do: a reader that has passed position p must never see a row below p commit
 * later. Until now every append took one store-wide lock to take its transaction id and its
 * positions from the sequence together, so concurrent appends queued there (0.37x a raw
 * single-row INSERT at 32 in flight, `npm run bench`, section appends).
 *
 * Now the position is computed from the transaction id itself: (transaction id << 20) + index.
 * Positions follow transaction ids by construction, with nothing shared to wait for. They are
 * unique because an append must be its transaction's first write (checked below, as before),
 * so one transaction holds one append. A transaction id (xid8, epoch included) stays below
 * 2^43 for the first 8.8 trillion transactions of the server, so positions stay below 2^63.
 *
 * Events already stored keep their positions: they followed transaction ids too (under the
 * lock), and every one of them is below (this migration's transaction id << 20), which every
 * later append's position is above. The sequence goes (global_position loses its identity):
 * an append still running the old function body, which waits for the position lock taken
 * below, would take a sequence position after this commits, below those of younger appends;
 * without the sequence it fails instead (nothing written, the caller may retry). An append that
 * already has its position holds a lower transaction id than this migration and commits its
 * rows after it, still below every later position.
 */
export const positionsFromTransactionIds: Migration = {
  id: '004_positions_from_transaction_ids',
  sql: `
LOCK TABLE events IN ACCESS EXCLUSIVE MODE;
SELECT pg_advisory_xact_lock(${LOCK_CLASS}, ${POSITION_LOCK});

DO $check$
DECLARE
  v_first_new bigint := (pg_current_xact_id()::text::bigint) << ${POSITION_SHIFT};
  v_last_old bigint;
BEGIN
  SELECT CASE WHEN is_called THEN last_value ELSE 0 END INTO v_last_old FROM events_global_position_seq;
  IF v_last_old >= v_first_new THEN
    RAISE EXCEPTION 'event store: position % already used, above the first position % the new append would give; the store cannot switch to positions from transaction ids',
      v_last_old, v_first_new;
  END IF;
END
$check$;

ALTER TABLE events ALTER COLUMN global_position DROP IDENTITY;

CREATE OR REPLACE FUNCTION handoff_append(
  p_stream_id text,
  p_expected_version bigint,
  p_events jsonb,
  p_notify_channel text
) RETURNS TABLE (appended_global_position text, appended_previous_hash text, appended_hash text)
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $function$
DECLARE
  v_count int := jsonb_array_length(p_events);
  v_version bigint;
  v_hash text;
  v_first bigint;
  v_previous text[] := '{}';
  v_hashes text[] := '{}';
  v_content_hash text;
BEGIN
  IF v_count = 0 THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'handoff_append: no events given';
  END IF;
  IF v_count >= ${POSITIONS_PER_TRANSACTION} THEN
    RAISE EXCEPTION USING ERRCODE = '22023',
      MESSAGE = format('handoff_append: %s events in one append, at most ${POSITIONS_PER_TRANSACTION - 1}', v_count);
  END IF;
  IF p_expected_version < -1 THEN
    RAISE EXCEPTION USING ERRCODE = '22023',
      MESSAGE = format('handoff_append: invalid expected version %s', p_expected_version);
  END IF;
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION USING
      ERRCODE = '${NOT_FIRST_WRITE_SQLSTATE}',
      MESSAGE = 'handoff_append must be the first write of its transaction',
      HINT = 'positions are computed from the transaction id; call it in a transaction of its own';
  END IF;

  PERFORM pg_advisory_xact_lock(${STREAM_LOCK_CLASS}, hashtext(p_stream_id));

  SELECT s.version, s.last_hash INTO v_version, v_hash FROM streams s WHERE s.stream_id = p_stream_id;
  IF NOT FOUND THEN
    v_version := -1;
    v_hash := '${GENESIS_HASH}';
  END IF;
  IF v_version <> p_expected_version THEN
    RAISE EXCEPTION USING
      ERRCODE = '${CONFLICT_SQLSTATE}',
      MESSAGE = format('stream %s: expected version %s, found %s', p_stream_id, p_expected_version, v_version),
      DETAIL = v_version::text;
  END IF;

  -- Must equal chainHash() in @handoff/contracts.
  FOR v_content_hash IN
    SELECT e.value->>'contentHash' FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(value, ordinality) ORDER BY e.ordinality
  LOOP
    v_previous := v_previous || v_hash;
    v_hash := encode(sha256(convert_to(v_hash || v_content_hash, 'UTF8')), 'hex');
    v_hashes := v_hashes || v_hash;
  END LOOP;

  v_first := (pg_current_xact_id()::text::bigint) << ${POSITION_SHIFT};

  INSERT INTO events (
    global_position, stream_id, stream_position, event_id, type, schema_version, ticket_id,
    data, metadata, content_hash, previous_hash, hash
  )
  SELECT v_first + e.ordinality, p_stream_id, p_expected_version + e.ordinality, (e.value->>'eventId')::uuid,
         e.value->>'type', (e.value->>'schemaVersion')::int, e.value->>'ticketId',
         e.value->'data', e.value->'metadata', e.value->>'contentHash', v_previous[e.ordinality], v_hashes[e.ordinality]
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(value, ordinality)
   ORDER BY e.ordinality;

  IF p_expected_version = -1 THEN
    INSERT INTO streams (stream_id, version, last_hash) VALUES (p_stream_id, v_count - 1, v_hash);
  ELSE
    UPDATE streams SET version = p_expected_version + v_count, last_hash = v_hash
      WHERE stream_id = p_stream_id AND version = p_expected_version;
    IF NOT FOUND THEN
      -- Only reachable by a writer that bypassed this function's stream lock.
      RAISE EXCEPTION USING ERRCODE = '${CONFLICT_SQLSTATE}',
        MESSAGE = format('stream %s changed during the append', p_stream_id),
        DETAIL = coalesce((SELECT s.version::text FROM streams s WHERE s.stream_id = p_stream_id), '-1');
    END IF;
  END IF;

  IF p_notify_channel IS NOT NULL THEN
    PERFORM pg_notify(p_notify_channel, (v_first + v_count)::text);
  END IF;

  RETURN QUERY SELECT (v_first + i)::text, v_previous[i], v_hashes[i] FROM generate_series(1, v_count) AS i ORDER BY i;
END
$function$;
`,
};
