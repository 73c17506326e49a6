import { context, SpanKind, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import type { RecordedEvent } from '@handoff/contracts';
import { contextOfCarrier, contextOfHeaders, injectIntoHeaders, inSpan, recordFailure, tracerOf, type MessageHeaders } from '@handoff/tracing';
import { topicName, type TopicRef } from './kafka';

const tracer = tracerOf('@handoff/messaging');

/** Ids only: what a span may say about an event (its data may hold contact details). */
const eventAttributes = (event: RecordedEvent): Attributes => ({
  'messaging.system': 'kafka',
  'messaging.message.id': event.eventId,
  'messaging.kafka.message.key': event.ticketId,
  'handoff.event_id': event.eventId,
  'handoff.event_type': event.type,
  'handoff.ticket_id': event.ticketId,
});

/**
 * The relay's span for one event, a child of the append that stored it (its metadata's
 * `traceparent`), and that span's context in the message's headers for the consumers.
 */
export function startPublishSpan(event: RecordedEvent, topic: string, headers: MessageHeaders): Span {
  const parent = contextOfCarrier(event.metadata.traceparent ? { traceparent: event.metadata.traceparent } : undefined);
  const span = tracer.startSpan(
    `publish ${topic}`,
    { kind: SpanKind.PRODUCER, attributes: { ...eventAttributes(event), 'messaging.operation.type': 'send', 'messaging.destination.name': topic } },
    parent,
  );
  injectIntoHeaders(headers, trace.setSpan(parent, span));
  return span;
}

/** Ends spans once what they stand for is settled; failed with the error's class when there is one. */
export function endSpans(spans: readonly Span[], error?: unknown): void {
  for (const span of spans) {
    if (error !== undefined) recordFailure(span, error);
    span.end();
  }
}

/**
 * The consumer's span for an event its own process managers appended and its projections apply
 * before the message comes (EventConsumer's ownEvents): a child of the span of the event that caused it.
 */
export function startAheadSpan(event: RecordedEvent, where: { topic: TopicRef; groupId: string }, cause: Span | undefined): Span {
  const topic = topicName(where.topic);
  const parent = cause ? trace.setSpan(context.active(), cause) : context.active();
  return tracer.startSpan(`process ${topic}`, {
    kind: SpanKind.CONSUMER,
    attributes: {
      ...eventAttributes(event),
      'messaging.operation.type': 'process',
      'messaging.destination.name': topic,
      'messaging.consumer.group.name': where.groupId,
      'handoff.applied_ahead': true,
    },
  }, parent);
}

/** The consumer's span for one event taken from a message, a child of the context in its headers. */
export function startProcessSpan(event: RecordedEvent, where: { topic: string; partition: number; offset: string; groupId: string; headers?: MessageHeaders }): Span {
  return tracer.startSpan(
    `process ${where.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        ...eventAttributes(event),
        'messaging.operation.type': 'process',
        'messaging.destination.name': where.topic,
        'messaging.destination.partition.id': String(where.partition),
        'messaging.kafka.offset': Number(where.offset),
        'messaging.consumer.group.name': where.groupId,
      },
    },
    contextOfHeaders(where.headers),
  );
}

/**
 * Runs the handling of a message that is not an event (an upstream system's raw payload) in a
 * consumer span, a child of the message's `traceparent` header: the upstream system's trace goes on.
 */
export function traceMessage<T>(where: { topic: string; partition: number; offset: string; groupId: string; headers?: MessageHeaders }, work: () => Promise<T>): Promise<T> {
  return inSpan(
    tracer,
    `process ${where.topic}`,
    {
      kind: SpanKind.CONSUMER,
      parent: contextOfHeaders(where.headers),
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': where.topic,
        'messaging.destination.partition.id': String(where.partition),
        'messaging.kafka.offset': Number(where.offset),
        'messaging.consumer.group.name': where.groupId,
      },
    },
    work,
  );
}

/** The context of the handler span an event is being handled in, while a handler has it. */
const handling = new WeakMap<RecordedEvent, Context>();

/**
 * Runs one event's part of a handler's work in that event's trace. A handler that applies a
 * batch handles several tickets, each with its own trace; a process manager calls this per
 * event so that the commands it issues (and the appends they make) continue the event's trace.
 * Outside a consumer it runs `work` as it is.
 */
export function withEventTrace<T>(event: RecordedEvent, work: () => Promise<T>): Promise<T> {
  const found = handling.get(event);
  return found ? context.with(found, work) : work();
}

/**
 * Runs a handler on events with a span per event for it, each a child of that event's process
 * span. A batch of one runs inside its span; a larger batch reaches each event's span through
 * withEventTrace.
 */
export async function handleTraced(handler: string, events: readonly { readonly event: RecordedEvent; readonly span: Span }[], apply: () => Promise<void>): Promise<void> {
  const spans = events.map(({ event, span: parent }) => {
    const span = tracer.startSpan(`handle ${handler}`, { attributes: { 'handoff.handler': handler, 'handoff.event_type': event.type, 'handoff.batch_size': events.length } }, trace.setSpan(context.active(), parent));
    handling.set(event, trace.setSpan(context.active(), span));
    return span;
  });
  try {
    await (events.length === 1 ? context.with(handling.get(events[0].event)!, apply) : apply());
    endSpans(spans);
  } catch (error) {
    endSpans(spans, error);
    throw error;
  } finally {
    for (const { event } of events) handling.delete(event);
  }
}
