import { randomUUID } from 'node:crypto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { z } from 'zod';
import { metadataCausedBy, type Command, type Decider, type DomainEvent, type EventRegistry, type NewEvent } from '@handoff/contracts';
import { CommandHandler, NO_STREAM } from '@handoff/event-store';
import { EventConsumer, EventRelay } from '@handoff/messaging';
import { eventually } from '@handoff/testing';
import { MessagingTestBed, quietLogger } from '@handoff/testing/pipeline';
import { inSpan, tracerOf } from '@handoff/tracing';
import { reactorHandler } from './consumers';

jest.setTimeout(60_000);

type Opened = DomainEvent<'TicketOpened', Record<string, never>>;
type Planned = DomainEvent<'FollowUpPlanned', Record<string, never>>;
type PlanFollowUp = Command<'PlanFollowUp', Record<string, never>>;

const REGISTRY: EventRegistry<Opened> = { TicketOpened: { version: 1, schema: z.object({}).strict() as z.ZodType<Record<string, never>> } };
const DECIDER: Decider<PlanFollowUp, Planned, { planned: boolean }> = {
  initialState: { planned: false },
  decide: (_command, state) => (state.planned ? [] : [{ type: 'FollowUpPlanned', data: {} }]),
  evolve: () => ({ planned: true }),
};
const TICKETS = 6;

/** A process manager as the services build it, fed by the consumer in batches of several tickets. */
describe("a process manager's commands continue the trace of the event that caused them (real broker and PostgreSQL)", () => {
  const logger = quietLogger();
  const bed = MessagingTestBed.forThisFile('reactor-tracing', { logger, spans: true });
  const { suffix, topic, deadLetterTopic, exporter } = bed;

  it('each ticket of a batch gets its follow-up appended in its own trace, under the handling of its event', async () => {
    const { store, kafka, dataSource } = bed;
    const requests = new Map<string, string>();
    for (let index = 0; index < TICKETS; index++) {
      const ticketId = randomUUID();
      const opened: NewEvent = {
        eventId: randomUUID(),
        type: 'TicketOpened',
        schemaVersion: 1,
        ticketId,
        data: {},
        metadata: { correlationId: ticketId, causationId: randomUUID(), actorId: 'agent-7', role: 'cs', occurredAt: new Date().toISOString() },
      };
      // Appended before the consumer starts: its first fetch brings several tickets per partition.
      await inSpan(tracerOf('test'), 'request', {}, async (span) => {
        requests.set(ticketId, span.spanContext().traceId);
        await store.append(`ticket-${ticketId}`, [opened], NO_STREAM);
      });
    }

    const handler = reactorHandler({
      registry: REGISTRY,
      eventTypes: ['TicketOpened'],
      react: (event, reaction) => [{ streamId: `follow-up-${event.ticketId}`, command: { type: 'PlanFollowUp', data: {}, metadata: metadataCausedBy(event, reaction) } }],
      decider: DECIDER,
      commands: new CommandHandler(store),
      actor: { id: 'system:test', role: 'system' },
    });
    const relay = new EventRelay({ name: `reactor-tracing-${suffix}`, store, kafka, dataSource, topic, logger, idleDelayMs: 20 });
    const consumer = new EventConsumer({ kafka, groupId: `reactor-tracing-${suffix}`, topics: [topic], deadLetterTopic, dataSource, handlers: [{ name: 'follow-ups', handler }], maxBatchSize: 50, logger });
    await bed.start(relay);
    await bed.start(consumer);

    const followUps = await eventually(() => {
      const found = exporter.getFinishedSpans().filter((span) => span.name === 'append' && String(span.attributes['handoff.stream_id']).startsWith('follow-up-'));
      return found.length === TICKETS && found;
    }, 'a follow-up appended for every ticket');
    // A span is exported when it ends: the handling of an event ends after the follow-up it caused
    // was appended, and the consumer's span for the event after the whole batch's transaction.
    let byId = new Map<string, ReadableSpan>();
    const parentOf = (span: ReadableSpan) => byId.get(span.parentSpanContext?.spanId ?? '');
    const spans = await eventually(() => {
      const finished = exporter.getFinishedSpans();
      byId = new Map(finished.map((span) => [span.spanContext().spanId, span]));
      return followUps.every((followUp) => parentOf(followUp) && parentOf(parentOf(followUp)!)) && finished;
    }, 'the spans of every follow-up, its handling and the handling of its event to end');

    for (const followUp of followUps) {
      const ticketId = followUp.attributes['handoff.ticket_id'] as string;
      expect({ ticketId, traceId: followUp.spanContext().traceId }).toEqual({ ticketId, traceId: requests.get(ticketId) });
      const handling = parentOf(followUp)!;
      expect(handling.name).toBe('handle follow-ups');
      expect(parentOf(handling)?.attributes['handoff.ticket_id']).toBe(ticketId);
    }
    // The case withEventTrace is for: the handler was given several tickets at once.
    expect(Math.max(...spans.filter((span) => span.name === 'handle follow-ups').map((span) => span.attributes['handoff.batch_size'] as number))).toBeGreaterThan(1);
  });
});
