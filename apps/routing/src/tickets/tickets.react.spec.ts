import { sealedCustomer } from '@handoff/testing';
import type { Actor, FollowupEvent, IntakeEvent, RecordedOf } from '@handoff/contracts';
import { react } from './tickets.react';

const context = { now: new Date('2025-03-04T02:00:00.000Z'), actor: { id: 'routing-process', role: 'system' } as Actor };
const metadata = { now: context.now, actor: context.actor, correlationId: 'corr-1', causationId: 'evt-7' };

type Incoming = IntakeEvent | FollowupEvent;

function recorded<E extends Incoming>(type: E['type'], data: E['data']): RecordedOf<Incoming> {
  return {
    eventId: 'evt-7',
    type,
    schemaVersion: 1,
    streamId: 'some-stream',
    streamPosition: 2,
    globalPosition: '99',
    ticketId: 't1',
    data,
    metadata: {
      correlationId: 'corr-1',
      causationId: 'cause-0',
      actorId: 'agent-1',
      role: 'cs',
      occurredAt: '2025-03-04T01:30:00.000Z',
      recordedAt: '2025-03-04T01:30:01.000Z',
    },
    contentHash: 'a'.repeat(64),
    previousHash: 'b'.repeat(64),
    hash: 'c'.repeat(64),
  } as RecordedOf<Incoming>;
}

describe('routing reactions', () => {
  it('given a ticket handed over, then route it, its deadlines running from the hand-over', () => {
    const handedOver = recorded('TicketHandedOver', {
      channel: 'social_media',
      platform: 'douyin',
      type: 'complaint',
      category: 'logistics',
      priority: 'high',
      customer: sealedCustomer({ name: 'Wang Fang', phone: '13800138000' }),
      subject: 'Late',
      description: 'Very late.',
      complaint: true,
      reason: 'classified_for_department',
    });
    expect(react(handedOver, context)).toEqual([
      {
        streamId: 'routing-ticket-t1',
        command: {
          type: 'RouteTicket',
          data: {
            type: 'complaint',
            category: 'logistics',
            priority: 'high',
            channel: 'social_media',
            platform: 'douyin',
            complaint: true,
            handedOverAt: '2025-03-04T01:30:00.000Z',
          },
          metadata,
        },
      },
    ]);
  });

  it("given an objection to a department's result, then reopen for another round", () => {
    expect(
      react(recorded('CustomerObjected', { round: 2, resolvedBy: 'department', department: 'billing', objection: 'No refund yet.' }), context),
    ).toEqual([
      {
        streamId: 'routing-ticket-t1',
        command: {
          type: 'ReopenTicket',
          data: { round: 2, objection: 'No refund yet.', objectedAt: '2025-03-04T01:30:00.000Z' },
          metadata,
        },
      },
    ]);
  });

  it("given an objection to CS's first-contact answer, then it is intake's to hand over", () => {
    expect(react(recorded('CustomerObjected', { round: 0, resolvedBy: 'first_contact', objection: 'x' }), context)).toEqual([]);
  });

  it('given the ticket handed to management after too many rounds, then escalate to management', () => {
    expect(
      react(recorded('TicketHandedToManagement', { round: 3, department: 'billing', objection: 'Still no.', maxRounds: 3 }), context),
    ).toEqual([
      { streamId: 'routing-ticket-t1', command: { type: 'EscalateToManagement', data: { round: 3, objection: 'Still no.' }, metadata } },
    ]);
  });

  it('given the ticket closed, then close handling', () => {
    expect(react(recorded('TicketClosed', { outcome: 'unconfirmed_unreachable', round: 1 }), context)).toEqual([
      { streamId: 'routing-ticket-t1', command: { type: 'CloseHandling', data: { outcome: 'unconfirmed_unreachable' }, metadata } },
    ]);
  });

  it('given other events, then nothing', () => {
    expect(react(recorded('AnsweredAtFirstContact', { answer: 'x' }), context)).toEqual([]);
    expect(react(recorded('ContactAttemptFailed', { round: 1, attempt: 1 }), context)).toEqual([]);
  });
});
