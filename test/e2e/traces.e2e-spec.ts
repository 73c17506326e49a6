import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaBrokers } from '@handoff/testing';
import { contact } from '../support/contacts';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { eventually, SERVICE_NAMES, TestSystem, UPSTREAM_KEY } from '../support/system';

const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;
const INTERNAL = 1;

/** A span and its ancestors, root first; throws when a parent is missing (the trace is not one tree). */
function ancestry(span: ReceivedSpan, byId: Map<string, ReceivedSpan>): ReceivedSpan[] {
  const chain = [span];
  for (let current = span; current.parentSpanId; ) {
    const parent = byId.get(current.parentSpanId);
    if (!parent) throw new Error(`span ${current.name} (${current.service}) names parent ${current.parentSpanId}, which is not in the trace`);
    chain.unshift(parent);
    current = parent;
  }
  return chain;
}

describe('traces', () => {
  let receiver: OtlpReceiver;
  let system: TestSystem;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    system = await TestSystem.start({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '200' });
  });
  afterAll(async () => {
    await system?.stop();
    await receiver?.stop();
  });

  it("follows one ticket's trip from the HTTP request through every service's store, relay and consumers as one trace", async () => {
    const customer = { name: 'Zhao Xiaoyan', phone: '+86 138 0013 8000', email: 'zhao.xiaoyan@example.com' };
    const complaint = contact({ type: 'complaint', customer, subject: 'Charged twice', description: 'My card was charged twice for one invoice; I want a refund.' });
    // Other tickets at the same moment: the relays and consumers take them in the same batches,
    // and each must still keep to its own trace.
    const post = async (body: unknown) => {
      const requestId = `trace-e2e-${randomUUID()}`;
      const response = await fetch(`${system.url('intake')}/v1/contacts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': UPSTREAM_KEY, 'x-request-id': requestId },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('x-request-id')).toBe(requestId);
      return { requestId, ticketId: ((await response.json()) as { ticketId: string }).ticketId };
    };
    const [{ requestId, ticketId }, ...others] = await Promise.all([complaint, ...Array.from({ length: 5 }, () => contact({ type: 'complaint', subject: 'Charged twice', description: 'Charged twice for one invoice.' }))].map(post));

    const requestSpan = (id: string) => receiver.spans.find((span) => span.service === 'intake' && span.kind === SERVER && span.attributes['handoff.request_id'] === id);
    const assignment = (spans: ReceivedSpan[], ticket: string) =>
      spans.find((span) => span.service === 'routing' && span.name === 'append' && span.attributes['handoff.ticket_id'] === ticket && (span.attributes['handoff.event_types'] as string[]).includes('HandlerAssigned'));
    const tripOf = async (id: string, ticket: string) => {
      const request = await eventually(() => requestSpan(id), "the intake request's span");
      const spans = await eventually(
        () => {
          const spans = receiver.trace(request.traceId);
          const byId = new Map(spans.map((span) => [span.spanId, span]));
          const complete = spans.every((span) => !span.parentSpanId || byId.has(span.parentSpanId));
          const reached = (service: string) => spans.some((span) => span.service === service && span.kind === CONSUMER && span.attributes['handoff.ticket_id'] === ticket);
          return complete && assignment(spans, ticket) && reached('followup') && reached('evaluation') && spans;
        },
        `the spans of ticket ${ticket}'s whole trip: the automatic assignment in routing, and the consumers of followup and evaluation`,
        60_000,
      );
      return { request, spans };
    };

    for (const other of others) {
      const { spans } = await tripOf(other.requestId, other.ticketId);
      // Nothing of another ticket in this trace.
      expect(new Set(spans.map((span) => span.attributes['handoff.ticket_id']).filter(Boolean))).toEqual(new Set([other.ticketId]));
    }
    const { request, spans } = await tripOf(requestId, ticketId);
    expect(new Set(spans.map((span) => span.attributes['handoff.ticket_id']).filter(Boolean))).toEqual(new Set([ticketId]));
    const byId = new Map(spans.map((span) => [span.spanId, span]));

    // One tree, rooted at the request that brought the contact in.
    const roots = spans.filter((span) => !span.parentSpanId);
    expect(roots).toEqual([request]);
    expect(request).toMatchObject({ name: 'POST /v1/contacts', attributes: { 'http.route': '/v1/contacts', 'http.response.status_code': 201 } });
    for (const span of spans) expect(ancestry(span, byId)[0]).toBe(request);
    expect(new Set(spans.map((span) => span.service))).toEqual(new Set(SERVICE_NAMES));

    // The assignment, two services and two hops of Kafka away, continues the request's trace:
    // intake records the contact and publishes it; routing routes the ticket, publishes that to
    // its own topic, and its assignment process manager assigns a handler.
    const trip = ancestry(assignment(spans, ticketId)!, byId);
    expect(trip.map((span) => [span.service, span.kind])).toEqual([
      ['intake', SERVER],
      ['intake', CLIENT],
      ['intake', PRODUCER],
      ['routing', CONSUMER],
      ['routing', INTERNAL],
      ['routing', CLIENT],
      ['routing', PRODUCER],
      ['routing', CONSUMER],
      ['routing', INTERNAL],
      ['routing', CLIENT],
    ]);
    expect(trip[2].name).toBe(`publish ${system.topic('intake.events')}`);
    expect(trip[3]).toMatchObject({ name: `process ${system.topic('intake.events')}`, attributes: { 'messaging.consumer.group.name': system.topic('handoff-routing') } });
    expect(trip[6].name).toBe(`publish ${system.topic('routing.events')}`);
    expect(trip[8].name).toBe('handle routing.auto-assignment');

    // Followup and evaluation read the same publications: their consumers hang off intake's and routing's producer spans.
    for (const service of ['followup', 'evaluation']) {
      const consumed = spans.filter((span) => span.service === service && span.kind === CONSUMER);
      expect(consumed.length).toBeGreaterThan(0);
      for (const span of consumed) expect(byId.get(span.parentSpanId)?.kind).toBe(PRODUCER);
    }

    // Nothing of the customer leaves in a span: not the contact details, not what they wrote.
    const exported = receiver.bodies.join('\n');
    const theOthers = contact().customer;
    for (const secret of [customer.name, customer.phone, customer.phone.replace(/\D/g, ''), customer.email, theOthers.name, theOthers.phone, theOthers.email, complaint.subject, complaint.description]) {
      expect({ secret, exported: exported.includes(secret) }).toEqual({ secret, exported: false });
    }
    expect(receiver.refused).toEqual([]);

    // The logs name the trace: the access log line of the request, and routing's line about the assignment.
    const lines = system.logs.map((line) => /^\[(\w+)\] (\{.*\})$/.exec(line)).filter((match) => match !== null).map((match) => ({ service: match[1], entry: JSON.parse(match[2]) as Record<string, unknown> }));
    expect(lines).toContainEqual({ service: 'intake', entry: expect.objectContaining({ msg: 'http request', requestId, trace_id: request.traceId, span_id: request.spanId }) });
    expect(lines).toContainEqual({ service: 'routing', entry: expect.objectContaining({ msg: 'handler assigned automatically', ticketId, trace_id: request.traceId }) });
  });

  it("continues an upstream system's trace from the traceparent header of a contact posted to contacts.inbound", async () => {
    const upstreamTrace = randomUUID().replace(/-/g, '');
    const upstreamSpan = randomUUID().replace(/-/g, '').slice(0, 16);
    const kafka = new Kafka({ brokers: kafkaBrokers(), clientId: `e2e-traces-${system.suffix}`, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({
        topic: system.topic('contacts.inbound'),
        acks: -1,
        messages: [{ value: JSON.stringify(contact({ type: 'complaint', subject: 'Charged twice', description: 'Charged twice for one invoice.' })), headers: { traceparent: `00-${upstreamTrace}-${upstreamSpan}-01` } }],
      });
    } finally {
      await producer.disconnect();
    }

    const spans = await eventually(
      () => {
        const spans = receiver.trace(upstreamTrace);
        // A consumer's span ends after its batch's transaction, so it may be exported after the spans
        // it caused: wait until every span's parent has arrived (or is the upstream system's) before
        // judging who hangs off whom.
        const ids = new Set(spans.map((span) => span.spanId));
        const whole = spans.every((span) => span.parentSpanId === upstreamSpan || ids.has(span.parentSpanId));
        return spans.some((span) => span.service === 'routing' && span.name === 'append') && whole && spans;
      },
      "the upstream system's trace through intake into routing",
      60_000,
    );
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const received = spans.find((span) => span.parentSpanId === upstreamSpan)!;
    expect(received).toMatchObject({ service: 'intake', kind: CONSUMER, name: `process ${system.topic('contacts.inbound')}` });
    // Every span hangs off the message's span: the upstream system's own span is its one parent outside.
    const reachesReceived = (span: ReceivedSpan) => {
      for (let current: ReceivedSpan | undefined = span; current; current = byId.get(current.parentSpanId)) if (current === received) return true;
      return false;
    };
    for (const span of spans) expect({ span: span.name, service: span.service, reachesReceived: reachesReceived(span) }).toEqual({ span: span.name, service: span.service, reachesReceived: true });
    const recorded = spans.find((span) => span.service === 'intake' && span.name === 'append' && (span.attributes['handoff.event_types'] as string[]).includes('ContactRecorded'))!;
    expect(recorded.parentSpanId).toBe(received.spanId);
  });
});
