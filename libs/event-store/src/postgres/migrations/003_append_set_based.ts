import { GENESIS_HASH } from '@handoff/contracts';
import { LOCK_CLASS, POSITION_LOCK, STREAM_LOCK_CLASS } from '../locks';
import type { Migration } from '../migrate';
import { CONFLICT_SQLSTATE, NOT_FIRST_WRITE_SQLSTATE } from './002_append_function';

/**
 * The same contract as 002 (locks, checks, positions, chain, errors), with two changes that
 * the benchmark showed (bench/README in the main README, "Performance"):
 *
 * - A NULL `p_notify_channel` appends without NOTIFY. PostgreSQL serialises the commits of
 *   all transactions that sent a notification, cluster-wide, each with its own WAL flush
 *   (async.c takes a global lock in PreCommit_Notify and holds it past the commit record),
 *   so a notification in every append made concurrent appends commit one at a time. The
 *   adapter now announces after commit instead (coalesced; notifications are only a hint).
 * - The chain is computed in a loop over the content hashes and the events are inserted by
 *   one set-based INSERT, instead of one INSERT statement per event.
 */
export const appendSetBased: Migration = {
  id: '003_append_set_based',
  sql: `
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
  v_positions bigint[];
  v_previous text[] := '{}';
  v_hashes text[] := '{}';
  v_content_hash text;
BEGIN
  IF v_count = 0 THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'handoff_append: no events given';
  END IF;
  IF p_expected_version < -1 THEN
    RAISE EXCEPTION USING ERRCODE = '22023',
      MESSAGE = format('handoff_append: invalid expected version %s', p_expected_version);
  END IF;
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION USING
      ERRCODE = '${NOT_FIRST_WRITE_SQLSTATE}',
      MESSAGE = 'handoff_append must be the first write of its transaction',
      HINT = 'readAll relies on positions following transaction ids; call it in a transaction of its own';
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

  BEGIN
    PERFORM pg_advisory_lock(${LOCK_CLASS}, ${POSITION_LOCK});
    PERFORM pg_current_xact_id();
    SELECT array_agg(allocated.global_position ORDER BY allocated.global_position) INTO v_positions
      FROM (SELECT nextval('events_global_position_seq') AS global_position FROM generate_series(1, v_count)) AS allocated;
    PERFORM pg_advisory_unlock(${LOCK_CLASS}, ${POSITION_LOCK});
  EXCEPTION WHEN OTHERS OR query_canceled THEN
    -- A session lock outlives the failed transaction; left behind, it would stop every append.
    PERFORM pg_advisory_unlock(${LOCK_CLASS}, ${POSITION_LOCK});
    RAISE;
  END;

  INSERT INTO events (
    global_position, stream_id, stream_position, event_id, type, schema_version, ticket_id,
    data, metadata, content_hash, previous_hash, hash
  ) OVERRIDING SYSTEM VALUE
  SELECT v_positions[e.ordinality], p_stream_id, p_expected_version + e.ordinality, (e.value->>'eventId')::uuid,
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
    PERFORM pg_notify(p_notify_channel, v_positions[v_count]::text);
  END IF;

  RETURN QUERY SELECT v_positions[i]::text, v_previous[i], v_hashes[i] FROM generate_series(1, v_count) AS i ORDER BY i;
END
$function$;
`,
};
