import { sealedCustomer } from '@handoff/testing';
/**
 * The three contexts' deciders and process managers wired together in memory, the way the
 * services will be over the event store and Kafka: `handle(streamId, command)` folds the stream,
 * decides, appends with the command's metadata, and every new event goes through the consumers'
 * contract check to the reactions. It proves the pieces agree with each other (rounds, reasons,
 * who reacts to what) and that the figures come out of the history alone. Pure, no infrastructure.
 * (It reaches into the other apps' domain folders on purpose; it could live in test/ as well.)
 */
import {
  type Actor,
  type Command,
  type CommandMetadata,
  FOLLOWUP_EVENTS,
  type FollowupEvent,
  INTAKE_EVENTS,
  type IntakeEvent,
  ROUTING_EVENTS,
  type RecordedEvent,
  type RoutingEvent,
  STREAM_PREFIXES,
  intakeStreamId,
  parseContactPayload,
  routingStreamId,
  followupStreamId,
  ticketIdForContact,
  typedEventOf,
} from '@handoff/contracts';
import { react as followupReact } from '../apps/followup/src/confirmations/confirmations.react';
import { DEFAULT_CLASSIFICATION_RULES, classify } from '../apps/intake/src/contacts/classification';
import { type IntakeCommand, contactsDecider } from '../apps/intake/src/contacts/contacts.decider';
import { react as intakeReact } from '../apps/intake/src/contacts/contacts.react';
import type { RoutingCommand } from '../apps/routing/src/tickets/tickets.decider';
import { react as routingReact } from '../apps/routing/src/tickets/tickets.react';
import { lifecycleOf } from '../apps/evaluation/src/timeline/lifecycle';
import type { FollowupCommand } from '../apps/followup/src/confirmations/confirmations.decider';
import { testRoutingDecider, testFollowupDecider } from './support/deciders';

const T0 = Date.parse('2025-03-03T01:00:00.000Z');
const MINUTE = 60_000;

const routing = testRoutingDecider();
const followup = testFollowupDecider();

const processActor = (name: string): Actor => ({ id: name, role: 'system' });

class World {
  readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private minutes = 0;

  at(minutes: number): this {
    this.minutes = minutes;
    return this;
  }

  metadata(actor: Actor): CommandMetadata {
    return { now: new Date(T0 + this.minutes * MINUTE), actor, correlationId: 'corr-1', causationId: `req-${this.log.length}` };
  }

  handle(streamId: string, command: Command): readonly RecordedEvent[] {
    const stream = this.streams.get(streamId) ?? [];
    let produced: readonly { type: string; data: unknown }[];
    if (streamId.startsWith(STREAM_PREFIXES.intake)) {
      const state = stream.map((e) => e as unknown as IntakeEvent).reduce(contactsDecider.evolve, contactsDecider.initialState);
      produced = contactsDecider.decide(command as IntakeCommand, state);
    } else if (streamId.startsWith(STREAM_PREFIXES.routing)) {
      const state = stream.map((e) => e as unknown as RoutingEvent).reduce(routing.evolve, routing.initialState);
      produced = routing.decide(command as RoutingCommand, state);
    } else {
      const state = stream.map((e) => e as unknown as FollowupEvent).reduce(followup.evolve, followup.initialState);
      produced = followup.decide(command as FollowupCommand, state);
    }
    const ticketId = streamId.slice(streamId.indexOf('ticket-') + 'ticket-'.length);
    const recorded = produced.map((event, index): RecordedEvent => {
      const { now, actor, correlationId, causationId } = command.metadata;
      return {
        eventId: `${streamId}#${stream.length + index}`,
        type: event.type,
        schemaVersion: 1,
        streamId,
        streamPosition: stream.length + index,
        globalPosition: String(this.log.length + index),
        ticketId,
        data: event.data,
        metadata: {
          correlationId,
          causationId,
          actorId: actor.id,
          role: actor.role,
          ...(actor.department && { department: actor.department }),
          occurredAt: now.toISOString(),
          recordedAt: now.toISOString(),
        },
        contentHash: '0'.repeat(64),
        previousHash: '0'.repeat(64),
        hash: '0'.repeat(64),
      };
    });
    this.streams.set(streamId, [...stream, ...recorded]);
    this.log.push(...recorded);
    for (const event of recorded) this.publish(event);
    return recorded;
  }

  /** What each service's consumer does with a published event: validate against the contract, react, handle. */
  private publish(event: RecordedEvent): void {
    const context = (name: string) => ({ now: new Date(T0 + this.minutes * MINUTE), actor: processActor(name) });
    const intake = typedEventOf(INTAKE_EVENTS, event);
    const routed = typedEventOf(ROUTING_EVENTS, event);
    const followedUp = typedEventOf(FOLLOWUP_EVENTS, event);
    const reactions = [
      ...(followedUp ? intakeReact(followedUp, context('intake-process')) : []),
      ...(intake ?? followedUp ? routingReact((intake ?? followedUp)!, context('routing-process')) : []),
      ...(intake ?? routed ? followupReact((intake ?? routed)!, context('followup-process')) : []),
    ];
    for (const { streamId, command } of reactions) this.handle(streamId, command);
  }

  typesOf(streamId: string): string[] {
    return (this.streams.get(streamId) ?? []).map((e) => e.type);
  }
}

const cs: Actor = { id: 'agent-1', role: 'cs' };
const ana: Actor = { id: 'h-ana', role: 'department_handler', department: 'billing' };
const lou: Actor = { id: 'h-lou', role: 'department_handler', department: 'logistics' };
const director: Actor = { id: 'd-zhou', role: 'management' };
const gateway: Actor = { id: 'wechat-bridge', role: 'system' };

function recordContact(world: World, input: unknown): string {
  const contact = parseContactPayload(input);
  const ticketId = ticketIdForContact(contact.sourceSystem, contact.externalId);
  world.handle(intakeStreamId(ticketId), {
    type: 'RecordContact',
    data: { ticketId, contact: { ...contact, customer: sealedCustomer(contact.customer) }, classification: classify(contact, DEFAULT_CLASSIFICATION_RULES) },
    metadata: world.metadata(gateway),
  });
  return ticketId;
}

describe('the workflow across intake, routing and follow-up', () => {
  it('a complaint: management at once, three rounds objected to, management sends a fourth round elsewhere, satisfied', () => {
    const world = new World();
    const ticketId = recordContact(world.at(0), {
      sourceSystem: 'wechat-bridge',
      externalId: 'msg-1',
      channel: 'social_media',
      platform: 'wechat',
      type: 'complaint',
      customer: { name: 'Wang Fang', phone: '13800138000' },
      subject: 'Charged twice',
      description: 'I was charged twice for one order and want a refund.',
    });
    const routingStream = routingStreamId(ticketId);
    const followupStream = followupStreamId(ticketId);
    expect(world.typesOf(routingStream)).toEqual(['TicketRouted', 'ManagementInvolved']);

    const act = (minutes: number, actor: Actor, command: Omit<RoutingCommand, 'metadata'>) =>
      world.at(minutes).handle(routingStream, { ...command, metadata: world.metadata(actor) });
    const confirm = (minutes: number, data: { satisfied: true } | { satisfied: false; objection: string }) =>
      world.at(minutes).handle(followupStream, { type: 'RecordConfirmation', data, metadata: world.metadata(cs) });
    const remedy = { apology: 'We are sorry.', correctiveAction: 'Card charges reconciled daily.', cause: 'billing_error' };

    act(5, ana, { type: 'ClaimTicket', data: {} });
    act(20, ana, { type: 'ReportProgress', data: { note: 'Asking the bank.' } });
    for (const [round, start] of [[1, 100], [2, 300], [3, 500]]) {
      act(start, ana, { type: 'ReportResult', data: { summary: `Refund issued (round ${round}).`, ...remedy } });
      confirm(start + 10, { satisfied: false, objection: `Round ${round}: the refund has not arrived.` });
    }
    // The third objection hit the cap: management has it, no fourth ordinary round was opened.
    expect(world.typesOf(followupStream).slice(-1)).toEqual(['TicketHandedToManagement']);
    expect(world.typesOf(routingStream).slice(-1)).toEqual(['TicketEscalated']);

    act(600, director, {
      type: 'ReopenTicket',
      data: { round: 3, objection: 'The bank says the parcel was returned.', objectedAt: new Date(T0 + 600 * MINUTE).toISOString(), department: 'logistics' },
    });
    act(610, lou, { type: 'ClaimTicket', data: {} });
    act(700, lou, { type: 'ReportResult', data: { summary: 'Returned parcel refunded.', ...remedy } });
    confirm(710, { satisfied: true });

    expect(world.typesOf(routingStream).slice(-1)).toEqual(['HandlingClosed']);
    expect(lifecycleOf(world.log)).toMatchObject({
      ticketId,
      complaint: true,
      openedAt: new Date(T0).toISOString(),
      firstResponseMinutes: 20,
      resolutionMinutes: 700,
      outcome: 'satisfied',
      rounds: 4,
      reopens: 3,
      departmentsVisited: ['billing', 'logistics'],
      escalations: [expect.objectContaining({ level: 'management', trigger: 'rounds_exhausted', round: 3, department: 'billing' })],
      managementInvolved: true,
      // Rounds 2 and 3 answered only with their result, long after 30 minutes.
      firstResponseDeadlineMet: false,
      resolutionDeadlineMet: true,
    });
  });

  it('a first-contact answer the customer objects to goes to a department; an unreachable customer closes it unconfirmed', () => {
    const world = new World();
    const ticketId = recordContact(world.at(0), {
      sourceSystem: 'hotline',
      externalId: 'call-7',
      channel: 'hotline',
      type: 'consultation',
      customer: { name: 'Li Wei', email: 'li@example.cn' },
      subject: 'Opening hours',
      description: 'When is the branch open on Saturday?',
    });
    const intakeStream = intakeStreamId(ticketId);
    expect(world.typesOf(intakeStream)).toEqual(['ContactRecorded', 'TicketClassified']);

    world.at(2).handle(intakeStream, { type: 'AnswerAtFirstContact', data: { answer: 'Saturdays 09:00 to 17:00.' }, metadata: world.metadata(cs) });
    world.at(30).handle(followupStreamId(ticketId), {
      type: 'RecordConfirmation',
      data: { satisfied: false, objection: 'It was closed last Saturday.' },
      metadata: world.metadata(cs),
    });
    expect(world.typesOf(intakeStream).slice(-1)).toEqual(['TicketHandedOver']);
    expect(world.typesOf(routingStreamId(ticketId))).toEqual(['TicketRouted']);

    const customerCare: Actor = { id: 'h-kai', role: 'department_handler', department: 'customer_care' };
    const routingStream = routingStreamId(ticketId);
    world.at(35).handle(routingStream, { type: 'ClaimTicket', data: {}, metadata: world.metadata(customerCare) });
    world.at(50).handle(routingStream, { type: 'ReportResult', data: { summary: 'The branch closed for a holiday; notice added.' }, metadata: world.metadata(customerCare) });
    for (const minutes of [60, 120, 180]) {
      world.at(minutes).handle(followupStreamId(ticketId), { type: 'RecordContactAttempt', data: {}, metadata: world.metadata(cs) });
    }

    expect(world.typesOf(followupStreamId(ticketId))).toEqual([
      'ConfirmationRequested',
      'CustomerObjected',
      'ConfirmationRequested',
      'ContactAttemptFailed',
      'ContactAttemptFailed',
      'ContactAttemptFailed',
      'TicketClosed',
    ]);
    expect(lifecycleOf(world.log)).toMatchObject({
      outcome: 'unconfirmed_unreachable',
      resolvedAtFirstContact: false,
      rounds: 2,
      reopens: 1,
      firstResponseMinutes: 2,
      departmentsVisited: ['customer_care'],
      firstResponseDeadlineMet: true,
      resolutionDeadlineMet: true,
    });
    expect(world.typesOf(routingStream).slice(-1)).toEqual(['HandlingClosed']);
  });

  it('the same contact delivered twice is one ticket with one history', () => {
    const world = new World();
    const input = {
      sourceSystem: 'mail',
      externalId: '<abc@example.cn>',
      channel: 'email',
      type: 'suggestion',
      customer: { name: 'Zhao', email: 'zhao@example.cn' },
      subject: 'Longer hours',
      description: 'Please open on Sundays.',
    };
    const first = recordContact(world.at(0), input);
    const before = world.log.length;
    const second = recordContact(world.at(5), input);
    expect(second).toBe(first);
    expect(world.log.length).toBe(before);
  });
});
