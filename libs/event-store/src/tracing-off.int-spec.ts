import { newId } from '@handoff/contracts';
import { createTestDatabase, type TestDatabase, uniqueSuffix } from '@handoff/testing';
import { inSpan, tracerOf } from '@handoff/tracing';
import { NO_STREAM, type EventStore } from './event-store';
import { createPostgresEventStore } from './postgres/postgres-event-store';
import { traceAppends } from './tracing';

// No tracer provider is registered in this file: tracing as a service runs it when no OTLP endpoint is configured.
describe('traced appends with tracing off (PostgreSQL)', () => {
  let database: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    database = await createTestDatabase('untraced_store');
    store = traceAppends(await createPostgresEventStore({ connectionString: database.url }), 'postgresql');
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('stores the events exactly as given, with no traceparent, even inside a span', async () => {
    const ticketId = `ticket-${uniqueSuffix()}`;
    const metadata = { correlationId: newId(), causationId: newId(), actorId: 'agent-7', role: 'cs' as const, occurredAt: '2026-05-01T09:30:00.000Z' };
    await inSpan(tracerOf('test'), 'POST /v1/contacts', {}, () =>
      store.append(`untraced-${ticketId}`, [{ eventId: newId(), type: 'TicketNoted', schemaVersion: 1, ticketId, data: { note: 'called back' }, metadata }], NO_STREAM),
    );
    const [event] = await store.readStream(`untraced-${ticketId}`);
    expect(event.metadata).toEqual({ ...metadata, recordedAt: event.metadata.recordedAt });
  });
});
