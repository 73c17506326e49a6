import type { Migration } from '../migrate';
import { APPENDING_SETTING } from './005_appends_only';

/**
 * The guard of 005 with its test in the trigger's WHEN clause: the setting is read as an
 * expression by the executor, and the PL/pgSQL function runs only for a row it refuses. Before,
 * the function ran for every row an append wrote, about 14 µs of server CPU an event, a tenth of
 * a one-event append (README, Performance, tenth round). What is refused, and how, is unchanged.
 */
export const guardOnlyWhenRefusing: Migration = {
  id: '006_guard_only_when_refusing',
  sql: `
DROP TRIGGER events_only_through_append ON events;

CREATE TRIGGER events_only_through_append
  BEFORE INSERT ON events
  FOR EACH ROW
  WHEN (coalesce(current_setting('${APPENDING_SETTING}', true), '') <> 'on')
  EXECUTE FUNCTION handoff_refuse_direct_insert();
`,
};
