import { SpanKind } from '@opentelemetry/api';
import type { NewEvent } from '@handoff/contracts';
import { inSpan, tracerOf, traceCarrierOf } from '@handoff/tracing';
import type { EventStore } from './event-store';

const tracer = tracerOf('@handoff/event-store');

/**
 * The store with a span around each append, and each appended event carrying that span's
 * `traceparent` in its metadata. The relay publishes the event later, from another loop, with
 * no request around it: the stored context is how the publication, and everything the
 * consumers do with the event, joins the trace of the request or message that caused it.
 * With tracing off there is no span, and the events are stored exactly as given.
 */
export function traceAppends(store: EventStore, system: string): EventStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'append') {
        return (...[streamId, events, expectedVersion]: Parameters<EventStore['append']>) =>
          inSpan(
            tracer,
            'append',
            {
              kind: SpanKind.CLIENT,
              attributes: {
                'db.system.name': system,
                'db.operation.name': 'append',
                'handoff.stream_id': streamId,
                'handoff.event_count': events.length,
                'handoff.event_types': [...new Set(events.map((event) => event.type))],
                ...(events[0] ? { 'handoff.ticket_id': events[0].ticketId } : {}),
              },
            },
            // Inside the span: the events name the append as their parent.
            () => target.append(streamId, withTraceparent(events, traceCarrierOf()?.traceparent), expectedVersion),
          );
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The events with the append's trace context in their metadata; a context the caller set is kept. */
export function withTraceparent(events: readonly NewEvent[], traceparent: string | undefined): readonly NewEvent[] {
  if (!traceparent) return events;
  return events.map((event) => (event.metadata.traceparent ? event : { ...event, metadata: { ...event.metadata, traceparent } }));
}
