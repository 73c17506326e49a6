import type { Migration } from '../migrate';

/** The setting the append statement sets, transaction-local, before it inserts (see APPEND in postgres-event-store.ts). */
export const APPENDING_SETTING = 'handoff.appending';
/** Raised for a row that reaches `events` other than through the store's append. */
export const DIRECT_INSERT_SQLSTATE = '42501';

/**
 * Rows reach `events` only through the store's append.
 *
 * readAll's horizon is exact only because every row's position is (its transaction id << 20) plus
 * its index, and because an append is its transaction's first write; a hand-written INSERT (a
 * repair script, a copy from another database, a test) keeps neither rule, and a reader would
 * then skip or misorder events for good. Privileges cannot stop that here: the services connect
 * as the database's owner, often a superuser, whom no GRANT binds. So a row trigger refuses
 * every row unless the transaction has set `handoff.appending`, which only the append
 * statement does (set_config(..., true), so it ends with the append's transaction, and the
 * append is always a transaction of its own). It is a guard against mistakes, not against a
 * superuser who means it (who can disable any trigger): the hash chains catch those.
 *
 * The `handoff_append` function goes: no process has called it since the one-statement append
 * (the version before 004's), and it would need the setting too.
 */
export const appendsOnly: Migration = {
  id: '005_appends_only',
  sql: `
DROP FUNCTION IF EXISTS handoff_append(text, bigint, jsonb, text);

CREATE FUNCTION handoff_refuse_direct_insert() RETURNS trigger
LANGUAGE plpgsql
AS $function$
BEGIN
  IF coalesce(current_setting('${APPENDING_SETTING}', true), '') <> 'on' THEN
    RAISE EXCEPTION USING
      ERRCODE = '${DIRECT_INSERT_SQLSTATE}',
      MESSAGE = 'events are written only by the event store''s append; a direct INSERT into events is refused',
      HINT = 'append through the event store (libs/event-store): positions must follow transaction ids, and an append must be its transaction''s first write';
  END IF;
  RETURN NEW;
END
$function$;

CREATE TRIGGER events_only_through_append
  BEFORE INSERT ON events
  FOR EACH ROW EXECUTE FUNCTION handoff_refuse_direct_insert();
`,
};
