import { Client } from 'pg';
import { newId, type NewEvent } from '@handoff/contracts';
import { createPostgresEventStore, type PostgresEventStore } from '@handoff/event-store';
import { createTestDatabase, type TestDatabase } from '@handoff/testing';
import { readTicketHistory, verifyTicket, type AuditSource } from '@handoff/audit';
import { runAudit } from './cli';

/** Tamper evidence against the real PostgreSQL store: each kind of edit made straight in the database is caught where it was made. */
describe('verifying ticket histories against direct edits of the store', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let sql: Client;
  let sources: AuditSource[];

  const newEvent = (ticketId: string, type: string, data: unknown, minute: number): NewEvent => ({
    eventId: newId(),
    type,
    schemaVersion: 1,
    ticketId,
    data,
    metadata: { correlationId: 'c', causationId: newId(), actorId: 'h-1', role: 'department_handler', department: 'billing', occurredAt: new Date(Date.UTC(2026, 2, 2, 1, minute)).toISOString() },
  });

  async function ticketWithFourEvents(): Promise<string> {
    const ticketId = newId();
    await store.append(
      `routing-ticket-${ticketId}`,
      [0, 1, 2, 3].map((index) => newEvent(ticketId, 'ProgressReported', { round: 1, department: 'billing', note: `step ${index}`, firstResponse: index === 0 }, index)),
      -1,
    );
    return ticketId;
  }

  async function check(ticketId: string): Promise<{ ok: boolean; firstBreak: unknown; output: string; exit: number }> {
    const { ok, streams } = await verifyTicket(sources, ticketId);
    let output = '';
    const exit = await runAudit(['verify', ticketId], sources, { write: (text) => void (output += text) });
    return { ok, firstBreak: streams[0]?.firstBreak, output, exit };
  }

  beforeAll(async () => {
    database = await createTestDatabase('audit');
    store = await createPostgresEventStore({ connectionString: database.url });
    sources = [{ service: 'routing', store }];
    sql = new Client({ connectionString: database.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await store?.close();
    await database?.drop();
  });

  it('passes an untouched ticket, the same history on every call', async () => {
    const ticketId = await ticketWithFourEvents();
    expect(await check(ticketId)).toMatchObject({ ok: true, exit: 0 });
    const first = (await readTicketHistory(sources, ticketId)).map((event) => event.eventId);
    const second = (await readTicketHistory(sources, ticketId)).map((event) => event.eventId);
    expect(second).toEqual(first);
    expect(first).toEqual((await store.readStream(`routing-ticket-${ticketId}`)).map((event) => event.eventId));
  });

  it('catches an edited event at its position', async () => {
    const ticketId = await ticketWithFourEvents();
    await sql.query(`UPDATE events SET data = jsonb_set(data, '{note}', '"nothing to see"') WHERE ticket_id = $1 AND stream_position = 2`, [ticketId]);
    const result = await check(ticketId);
    expect(result).toMatchObject({ ok: false, exit: 1, firstBreak: { kind: 'content_changed', streamPosition: 2 } });
    expect(result.output).toMatch(/BROKEN routing-ticket-.*position 2 .* was changed/);
  });

  it('catches a deleted event, in the middle and at the end', async () => {
    const middle = await ticketWithFourEvents();
    await sql.query('DELETE FROM events WHERE ticket_id = $1 AND stream_position = 1', [middle]);
    expect(await check(middle)).toMatchObject({ ok: false, exit: 1, firstBreak: { kind: 'position_gap', expectedPosition: 1, foundPosition: 2 } });

    const end = await ticketWithFourEvents();
    await sql.query('DELETE FROM events WHERE ticket_id = $1 AND stream_position = 3', [end]);
    const result = await check(end);
    expect(result).toMatchObject({ ok: false, firstBreak: { kind: 'head_mismatch' } });
    expect(result.output).toMatch(/last event\(s\) were removed/);
  });

  it('catches an inserted event, even one copied from elsewhere with its own valid hashes', async () => {
    const ticketId = await ticketWithFourEvents();
    const donor = await ticketWithFourEvents();
    // Make room at position 2 and slip in a genuine event of another ticket, hashes and all.
    await sql.query('UPDATE events SET stream_position = stream_position + 10 WHERE ticket_id = $1 AND stream_position >= 2', [ticketId]);
    await sql.query('UPDATE events SET stream_position = stream_position - 9 WHERE ticket_id = $1 AND stream_position >= 12', [ticketId]);
    // Only a superuser who turns the store's triggers off gets a row in by hand (005_appends_only.ts); verify must catch it still.
    await sql.query('BEGIN');
    await sql.query('SET LOCAL session_replication_role = replica');
    await sql.query(
      `INSERT INTO events (global_position, stream_id, stream_position, event_id, type, schema_version, ticket_id, data, metadata, content_hash, previous_hash, hash)
       SELECT (SELECT max(global_position) + 1 FROM events), $1, 2, gen_random_uuid(), type, schema_version, $2, data, metadata, content_hash, previous_hash, hash FROM events WHERE ticket_id = $3 AND stream_position = 2`,
      [`routing-ticket-${ticketId}`, ticketId, donor],
    );
    await sql.query('COMMIT');
    expect(await check(ticketId)).toMatchObject({ ok: false, exit: 1, firstBreak: { streamPosition: 2 } });
  });
});
