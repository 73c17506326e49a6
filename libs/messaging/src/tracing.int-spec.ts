import { randomUUID } from 'node:crypto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import type { NewEvent, RecordedEvent } from '@handoff/contracts';
import { NO_STREAM } from '@handoff/event-store';
import { eventually, readTopic } from '@handoff/testing';
import { MessagingTestBed, quietLogger } from '@handoff/testing/pipeline';
import { inSpan, traceFields, tracerOf } from '@handoff/tracing';
import { headerText } from './dead-letter';
import { EventConsumer, type EventHandler } from './event-consumer';
import { EventRelay } from './event-relay';
import { inGroups } from './in-groups';
import { withEventTrace } from './tracing';

jest.setTimeout(60_000);

const TICKETS = 6;

/** A span and its ancestors among the finished spans, root first. */
function ancestry(span: ReadableSpan, spans: readonly ReadableSpan[]): ReadableSpan[] {
  const chain = [span];
  for (let parentId = span.parentSpanContext?.spanId; parentId; ) {
    const parent = spans.find((candidate) => candidate.spanContext().spanId === parentId);
    if (!parent) throw new Error(`${chain[0].name}: parent ${parentId} is not among the finished spans`);
    chain.unshift(parent);
    parentId = parent.parentSpanContext?.spanId;
  }
  return chain;
}

describe('trace context through the relay, Kafka and the consumers (real broker and PostgreSQL)', () => {
  const logger = quietLogger();
  const bed = MessagingTestBed.forThisFile('tracing', { logger, spans: true });
  const { suffix, topic, deadLetterTopic, exporter } = bed;

  const opened = (ticketId: string, type = 'TicketOpened'): NewEvent => ({
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    ticketId,
    data: {},
    metadata: { correlationId: ticketId, causationId: randomUUID(), actorId: 'agent-7', role: 'cs', occurredAt: new Date().toISOString() },
  });

  it('continues the trace of the append that stored an event in every handler, batched or not, and in the commands a process manager issues', async () => {
    const { store, kafka, dataSource } = bed;
    const tickets = Array.from({ length: TICKETS }, () => randomUUID());
    const requests = new Map<string, string>();
    for (const ticketId of tickets) {
      await inSpan(tracerOf('test'), 'request', {}, async (span) => {
        requests.set(ticketId, span.spanContext().traceId);
        await store.append(`ticket-${ticketId}`, [opened(ticketId)], NO_STREAM);
      });
    }

    // What each handler sees of the trace while it handles an event.
    const seenByProjection = new Map<string, string | undefined>();
    const seenByLoner = new Map<string, string | undefined>();
    const projection: EventHandler = {
      eventTypes: ['TicketOpened'],
      handle: async (events) => {
        for (const event of events) await withEventTrace(event, async () => void seenByProjection.set(event.ticketId, traceFields().trace_id));
      },
    };
    // A process manager as the services write them: a batch of tickets side by side, each in its event's trace.
    const react = (event: RecordedEvent) => store.append(`follow-up-${event.ticketId}`, [opened(event.ticketId, 'FollowUpPlanned')], NO_STREAM).then(() => undefined);
    const processManager: EventHandler = {
      eventTypes: ['TicketOpened'],
      issuesCommands: true,
      handle: (events) => inGroups(events, (event) => event.ticketId, 3, (event) => withEventTrace(event, () => react(event))),
    };
    const loner: EventHandler = {
      eventTypes: ['TicketOpened'],
      handle: async (events) => {
        for (const event of events) seenByLoner.set(event.ticketId, traceFields().trace_id);
      },
    };

    const relay = new EventRelay({ name: `tracing-relay-${suffix}`, store, kafka, dataSource, topic, logger, idleDelayMs: 20 });
    const together = new EventConsumer({
      kafka,
      groupId: `tracing-together-${suffix}`,
      topics: [topic],
      deadLetterTopic,
      dataSource,
      handlers: [
        { name: 'follow-ups', handler: processManager },
        { name: 'tickets', handler: projection },
      ],
      maxBatchSize: 50,
      logger,
    });
    const alone = new EventConsumer({ kafka, groupId: `tracing-alone-${suffix}`, topics: [topic], deadLetterTopic, dataSource, handler: loner, logger });
    await bed.start(relay);
    for (const consumer of [together, alone]) await bed.start(consumer);

    await eventually(() => seenByProjection.size === TICKETS && seenByLoner.size === TICKETS && exporter.getFinishedSpans().filter((span) => span.name === `publish ${topic.topic}`).length === 2 * TICKETS, 'every ticket handled and its follow-up published');
    const spans = exporter.getFinishedSpans();

    // The message carries the publish span's context in its headers.
    const messages = await readTopic(kafka, topic.topic, (found) => found.length >= 2 * TICKETS);
    for (const message of messages) {
      const publish = spans.find((span) => span.name === `publish ${topic.topic}` && span.attributes['handoff.event_id'] === headerText(message.headers, 'handoff-event-id'))!;
      expect(headerText(message.headers, 'traceparent')).toBe(`00-${publish.spanContext().traceId}-${publish.spanContext().spanId}-01`);
    }

    for (const ticketId of tickets) {
      const traceId = requests.get(ticketId);
      expect({ ticketId, projection: seenByProjection.get(ticketId), loner: seenByLoner.get(ticketId) }).toEqual({ ticketId, projection: traceId, loner: traceId });
      const followUp = spans.find((span) => span.name === 'append' && span.attributes['handoff.stream_id'] === `follow-up-${ticketId}`)!;
      expect(ancestry(followUp, spans).map((span) => span.name)).toEqual(['request', 'append', `publish ${topic.topic}`, `process ${topic.topic}`, 'handle follow-ups', 'append']);
      const handled = spans.filter((span) => span.name === 'handle tickets' || span.name === `handle tracing-alone-${suffix}`);
      expect(handled.filter((span) => span.spanContext().traceId === traceId)).toHaveLength(2);
      for (const span of handled) expect(ancestry(span, spans)[0].name).toBe('request');
    }
  });
});
