import type { Migration } from '../migrate';

export const streamsAndEvents: Migration = {
  id: '001_streams_and_events',
  sql: `
CREATE TABLE streams (
  stream_id text PRIMARY KEY,
  version bigint NOT NULL CHECK (version >= 0),
  last_hash text NOT NULL
);

CREATE TABLE events (
  -- CACHE 1: per-session caches would hand out positions out of time order, and the
  -- readAll horizon relies on positions rising in the order transactions get their ids.
  global_position bigint GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME events_global_position_seq CACHE 1) PRIMARY KEY,
  stream_id text NOT NULL,
  stream_position bigint NOT NULL CHECK (stream_position >= 0),
  event_id uuid NOT NULL,
  type text NOT NULL,
  schema_version int NOT NULL,
  ticket_id text NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL,
  content_hash text NOT NULL,
  previous_hash text NOT NULL,
  hash text NOT NULL,
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  CONSTRAINT events_event_id_unique UNIQUE (event_id),
  CONSTRAINT events_stream_position_unique UNIQUE (stream_id, stream_position)
);

-- Auditors read one ticket's events across all the streams that touched it.
CREATE INDEX events_ticket_id_idx ON events (ticket_id, global_position);
`,
};
