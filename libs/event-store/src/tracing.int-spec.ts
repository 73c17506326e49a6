import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { newId, parseRecordedEvent, verifyChain, type NewEvent } from '@handoff/contracts';
import { createTestDatabase, type TestDatabase, uniqueSuffix } from '@handoff/testing';
import { inSpan, tracerOf } from '@handoff/tracing';
import { NO_STREAM, type EventStore } from './event-store';
import { createPostgresEventStore } from './postgres/postgres-event-store';
import { traceAppends } from './tracing';

const newEvent = (ticketId: string): NewEvent => ({
  eventId: newId(),
  type: 'TicketNoted',
  schemaVersion: 1,
  ticketId,
  data: { note: 'called back' },
  metadata: { correlationId: newId(), causationId: newId(), actorId: 'agent-7', role: 'cs', occurredAt: '2026-05-01T09:30:00.000Z' },
});

describe('traced appends (PostgreSQL)', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let database: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    provider.register();
    database = await createTestDatabase('traced_store');
    store = traceAppends(await createPostgresEventStore({ connectionString: database.url }), 'postgresql');
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
    await provider.shutdown();
    trace.disable();
    context.disable();
  });
  beforeEach(() => exporter.reset());

  it("stores each event with its append span's traceparent, a child of the caller's span, and the chain still verifies", async () => {
    const ticketId = `ticket-${uniqueSuffix()}`;
    const streamId = `traced-${ticketId}`;
    const request = await inSpan(tracerOf('test'), 'POST /v1/contacts', {}, async (span) => {
      await store.append(streamId, [newEvent(ticketId), newEvent(ticketId)], NO_STREAM);
      return span.spanContext();
    });
    const append = exporter.getFinishedSpans().find((span) => span.name === 'append')!;
    expect(append.parentSpanContext?.spanId).toBe(request.spanId);
    expect(append.attributes).toMatchObject({ 'db.system.name': 'postgresql', 'handoff.stream_id': streamId, 'handoff.event_count': 2, 'handoff.event_types': ['TicketNoted'], 'handoff.ticket_id': ticketId });

    const stored = await store.readStream(streamId);
    const { traceId, spanId } = append.spanContext();
    expect(stored.map((event) => event.metadata.traceparent)).toEqual([`00-${traceId}-${spanId}-01`, `00-${traceId}-${spanId}-01`]);
    // In the hashed content, as every metadata field: verified like the rest, and read by the consumers' envelope check.
    expect(verifyChain(stored)).toEqual({ ok: true, eventsChecked: 2 });
    for (const event of stored) expect(parseRecordedEvent(JSON.parse(JSON.stringify(event))).metadata.traceparent).toBe(event.metadata.traceparent);
  });

  it("starts a trace of its own when the caller has none (a deadline sweep's timer)", async () => {
    const ticketId = `ticket-${uniqueSuffix()}`;
    await store.append(`untraced-${ticketId}`, [newEvent(ticketId)], NO_STREAM);
    const [append] = exporter.getFinishedSpans();
    expect(append.parentSpanContext).toBeUndefined();
    const [event] = await store.readStream(`untraced-${ticketId}`);
    expect(event.metadata.traceparent).toBe(`00-${append.spanContext().traceId}-${append.spanContext().spanId}-01`);
  });
});
