import { GENESIS_HASH } from '@handoff/contracts';
import { LOCK_CLASS, POSITION_LOCK, STREAM_LOCK_CLASS } from '../locks';
import type { Migration } from '../migrate';

/** Raised with the stream's actual version in DETAIL. */
export const CONFLICT_SQLSTATE = 'HA409';
/** Raised when the transaction already holds an id before the append (see below). */
export const NOT_FIRST_WRITE_SQLSTATE = 'HA001';

/**
 * One call = one round trip = the whole append.
 *
 * Why the locks look the way they do: readAll returns only rows whose transaction id is
 * below the oldest transaction still running (pg_snapshot_xmin). That is only safe if
 * global positions rise in the same order as transaction ids; otherwise an older
 * transaction (lower id) could commit a HIGHER position while a younger one still holds a
 * LOWER position open, and a reader would pass the lower position before it commits.
 * So the transaction id and the positions are taken together inside a tiny critical
 * section, and nothing before it may give the transaction an id: the stream is locked with
 * an advisory lock (which needs no transaction id) instead of a row lock (which does).
 * The critical section is a session lock released before the function returns, so it is
 * never held while a transaction stays open; only the stream lock lasts until commit.
 */
export const appendFunction: Migration = {
  id: '002_append_function',
  sql: `
CREATE FUNCTION handoff_append(
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
  v_previous text;
  v_positions bigint[];
  v_event jsonb;
  v_index bigint;
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

  BEGIN
    PERFORM pg_advisory_lock(${LOCK_CLASS}, ${POSITION_LOCK});
    PERFORM pg_current_xact_id();
    SELECT array_agg(allocated.global_position ORDER BY allocated.global_position) INTO v_positions
      FROM (SELECT nextval('events_global_position_seq') AS global_position FROM generate_series(1, v_count)) AS allocated;
    PERFORM pg_advisory_unlock(${LOCK_CLASS}, ${POSITION_LOCK});
  EXCEPTION WHEN OTHERS OR query_canceled THEN
    -- A session lock outlives the failed transaction; left behind, it would stop every append.
    -- (Unlocking a lock not yet taken, when cancelled while waiting for it, only warns.)
    PERFORM pg_advisory_unlock(${LOCK_CLASS}, ${POSITION_LOCK});
    RAISE;
  END;

  FOR v_event, v_index IN SELECT value, ordinality FROM jsonb_array_elements(p_events) WITH ORDINALITY LOOP
    v_previous := v_hash;
    -- Must equal chainHash() in @handoff/contracts.
    v_hash := encode(sha256(convert_to(v_previous || (v_event->>'contentHash'), 'UTF8')), 'hex');
    INSERT INTO events (
      global_position, stream_id, stream_position, event_id, type, schema_version, ticket_id,
      data, metadata, content_hash, previous_hash, hash
    ) OVERRIDING SYSTEM VALUE VALUES (
      v_positions[v_index], p_stream_id, p_expected_version + v_index, (v_event->>'eventId')::uuid,
      v_event->>'type', (v_event->>'schemaVersion')::int, v_event->>'ticketId',
      v_event->'data', v_event->'metadata', v_event->>'contentHash', v_previous, v_hash
    );
    appended_global_position := v_positions[v_index]::text;
    appended_previous_hash := v_previous;
    appended_hash := v_hash;
    RETURN NEXT;
  END LOOP;

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

  PERFORM pg_notify(p_notify_channel, v_positions[v_count]::text);
END
$function$;
`,
};
