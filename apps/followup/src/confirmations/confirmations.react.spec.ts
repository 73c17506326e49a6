import type { Actor, IntakeEvent, RecordedOf, RoutingEvent } from '@handoff/contracts';
import { react } from './confirmations.react';

const context = { now: new Date('2025-03-04T02:00:00.000Z'), actor: { id: 'followup-process', role: 'system' } as Actor };
const metadata = { now: context.now, actor: context.actor, correlationId: 'corr-1', causationId: 'evt-3' };

type Incoming = IntakeEvent | RoutingEvent;

function recorded<E extends Incoming>(type: E['type'], data: E['data']): RecordedOf<Incoming> {
  return {
    eventId: 'evt-3',
    type,
    schemaVersion: 1,
    streamId: 'some-stream',
    streamPosition: 5,
    globalPosition: '17',
    ticketId: 't1',
    data,
    metadata: {
      correlationId: 'corr-1',
      causationId: 'cause-0',
      actorId: 'h-ana',
      role: 'department_handler',
      department: 'billing',
      occurredAt: '2025-03-04T01:00:00.000Z',
      recordedAt: '2025-03-04T01:00:01.000Z',
    },
    contentHash: 'a'.repeat(64),
    previousHash: 'b'.repeat(64),
    hash: 'c'.repeat(64),
  } as RecordedOf<Incoming>;
}

describe('follow-up reactions', () => {
  it("given a result that combines sub-requests, then CS's summary names each other department's part", () => {
    const result = recorded('ResultReported', {
      round: 1,
      department: 'billing',
      handlerId: 'h-ana',
      summary: 'Refunded.',
      complaint: false,
      subRequests: [
        { subRequestId: 'sr-1', department: 'logistics', outcome: 'answered', summary: 'Parcel re-sent.', handlerId: 'h-lou' },
        { subRequestId: 'sr-2', department: 'product', outcome: 'closed_by_management', summary: 'Known defect, no answer needed.' },
      ],
    });
    const [reaction] = react(result, context);
    expect(reaction?.command.data).toMatchObject({
      resultSummary: 'Refunded.\n[logistics] Parcel re-sent.\n[product] not answered, closed by management: Known defect, no answer needed.',
    });
  });

  it("given a department's result, then a confirmation for its round, with a complaint's remedies", () => {
    const result = recorded('ResultReported', {
      round: 2,
      department: 'billing',
      handlerId: 'h-ana',
      summary: 'Refunded.',
      complaint: true,
      apology: 'Sorry.',
      correctiveAction: 'Reconcile daily.',
    });
    expect(react(result, context)).toEqual([
      {
        streamId: 'followup-ticket-t1',
        command: {
          type: 'RequestConfirmation',
          data: {
            round: 2,
            resolvedBy: 'department',
            department: 'billing',
            resultSummary: 'Refunded.',
            apology: 'Sorry.',
            correctiveAction: 'Reconcile daily.',
          },
          metadata,
        },
      },
    ]);
  });

  it("given CS's first-contact answer, then a confirmation for round 0", () => {
    expect(react(recorded('AnsweredAtFirstContact', { answer: 'Saturdays 9 to 5.' }), context)).toEqual([
      {
        streamId: 'followup-ticket-t1',
        command: {
          type: 'RequestConfirmation',
          data: { round: 0, resolvedBy: 'first_contact', resultSummary: 'Saturdays 9 to 5.' },
          metadata,
        },
      },
    ]);
  });

  it('given an answer the customer confirmed on the line, then the confirmation is requested and recorded in the answering agent’s name', () => {
    const answered = recorded('AnsweredAtFirstContact', { answer: 'Saturdays 9 to 5.', confirmedOnTheLine: true });
    const agent = { ...answered, metadata: { ...answered.metadata, actorId: 'agent-li', role: 'cs' as const, department: undefined } };
    const reactions = react(agent, context);
    expect(reactions.map((reaction) => reaction.command.type)).toEqual(['RequestConfirmation', 'RecordConfirmation']);
    expect(reactions[1]).toEqual({
      streamId: 'followup-ticket-t1',
      command: {
        type: 'RecordConfirmation',
        data: { satisfied: true },
        metadata: { ...metadata, actor: { id: 'agent-li', role: 'cs' }, causationId: 'evt-3/confirmed-on-the-line' },
      },
    });
  });

  it('given progress or anything else, then nothing', () => {
    expect(react(recorded('ProgressReported', { round: 1, department: 'billing', note: 'x', firstResponse: true }), context)).toEqual([]);
  });
});
