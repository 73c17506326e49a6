import type { Actor, FollowupEvent, RecordedOf } from '@handoff/contracts';
import { react } from './contacts.react';

const context = { now: new Date('2025-03-04T02:00:00.000Z'), actor: { id: 'intake-process', role: 'system' } as Actor };

function recorded<E extends FollowupEvent>(type: E['type'], data: E['data']): RecordedOf<FollowupEvent> {
  return {
    eventId: 'evt-1',
    type,
    schemaVersion: 1,
    streamId: 'followup-ticket-t1',
    streamPosition: 3,
    globalPosition: '42',
    ticketId: 't1',
    data,
    metadata: {
      correlationId: 'corr-1',
      causationId: 'cause-0',
      actorId: 'agent-1',
      role: 'cs',
      occurredAt: '2025-03-04T01:59:00.000Z',
      recordedAt: '2025-03-04T01:59:01.000Z',
    },
    contentHash: 'a'.repeat(64),
    previousHash: 'b'.repeat(64),
    hash: 'c'.repeat(64),
  } as RecordedOf<FollowupEvent>;
}

describe('intake reactions', () => {
  it('given an objection to a first-contact answer, then the ticket is handed over to a department', () => {
    expect(
      react(
        recorded('CustomerObjected', { round: 0, resolvedBy: 'first_contact', objection: 'Closed on Saturday.' }),
        context,
      ),
    ).toEqual([
      {
        streamId: 'intake-ticket-t1',
        command: {
          type: 'HandOverTicket',
          data: { reason: 'customer_objected', note: 'Closed on Saturday.' },
          metadata: { now: context.now, actor: context.actor, correlationId: 'corr-1', causationId: 'evt-1' },
        },
      },
    ]);
  });

  it("given an objection to a department's result, then it is routing's, not intake's", () => {
    expect(
      react(
        recorded('CustomerObjected', { round: 1, resolvedBy: 'department', department: 'billing', objection: 'no' }),
        context,
      ),
    ).toEqual([]);
  });

  it('given any other follow-up event, then nothing happens', () => {
    expect(react(recorded('TicketClosed', { outcome: 'satisfied', round: 0 }), context)).toEqual([]);
  });
});
