import { randomUUID } from 'node:crypto';
import { followupStreamId, routingStreamId, type RecordedEvent } from '@handoff/contracts';
import { applyToWorklist, emptyWorklistRow, worklistEventOf, type WorklistEvent, type WorklistRow } from './worklist.model';

const ticketId = randomUUID();
const T0 = new Date('2026-03-02T09:00:00.000Z');

function recorded(streamId: string, streamPosition: number, type: string, data: unknown, occurredAt = T0): WorklistEvent {
  const event: RecordedEvent = {
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    streamId,
    streamPosition,
    globalPosition: String(streamPosition),
    ticketId,
    data,
    metadata: {
      correlationId: ticketId,
      causationId: randomUUID(),
      actorId: 'system:test',
      role: 'system',
      occurredAt: occurredAt.toISOString(),
      recordedAt: occurredAt.toISOString(),
    },
    contentHash: 'c',
    previousHash: 'p',
    hash: 'h',
  };
  const typed = worklistEventOf(event);
  if (!typed) throw new Error(`not a worklist event: ${type}`);
  return typed;
}
const followup = (position: number, type: string, data: unknown, at?: Date) => recorded(followupStreamId(ticketId), position, type, data, at);
const routing = (position: number, type: string, data: unknown, at?: Date) => recorded(routingStreamId(ticketId), position, type, data, at);

const project = (...events: WorklistEvent[]): WorklistRow => events.reduce(applyToWorklist, emptyWorklistRow(ticketId, T0));

const requested = followup(0, 'ConfirmationRequested', { round: 1, resolvedBy: 'department', department: 'billing', resultSummary: 'refunded' });

describe('the CS worklist', () => {
  it('opens an item awaiting confirmation with round, department, summary and when it was requested', () => {
    expect(project(requested)).toMatchObject({
      confirmationStatus: 'awaiting_confirmation',
      round: 1,
      resolvedBy: 'department',
      department: 'billing',
      resultSummary: 'refunded',
      requestedAt: T0,
      contactAttempts: 0,
      followupPosition: 0,
      routingPosition: -1,
    });
  });

  it('counts failed contact attempts and closes on the unreachable outcome', () => {
    const row = project(
      requested,
      followup(1, 'ContactAttemptFailed', { round: 1, attempt: 1 }),
      followup(2, 'ContactAttemptFailed', { round: 1, attempt: 2 }),
    );
    expect(row.contactAttempts).toBe(2);
    expect(applyToWorklist(row, followup(3, 'TicketClosed', { outcome: 'unconfirmed_unreachable', round: 1 }))).toMatchObject({
      confirmationStatus: 'closed',
      closeOutcome: 'unconfirmed_unreachable',
    });
  });

  it.each([
    ['CustomerConfirmedSatisfaction', { round: 1 }, 'confirmed'],
    ['CustomerObjected', { round: 1, resolvedBy: 'department', department: 'billing', objection: 'still charged' }, 'objected'],
    ['TicketHandedToManagement', { round: 1, department: 'billing', objection: 'still charged', maxRounds: 1 }, 'handed_to_management'],
  ] as const)('takes the item off the list on %s', (type, data, status) => {
    expect(project(requested, followup(1, type, data)).confirmationStatus).toBe(status);
  });

  it('a new round reopens the item with its attempts reset', () => {
    const row = project(
      requested,
      followup(1, 'ContactAttemptFailed', { round: 1, attempt: 1 }),
      followup(2, 'CustomerObjected', { round: 1, resolvedBy: 'department', department: 'billing', objection: 'no' }),
      followup(3, 'ConfirmationRequested', { round: 2, resolvedBy: 'department', department: 'billing', resultSummary: 'refunded twice' }),
    );
    expect(row).toMatchObject({ confirmationStatus: 'awaiting_confirmation', round: 2, contactAttempts: 0, resultSummary: 'refunded twice' });
  });

  it('skips an event at or before the position it applied from the same stream', () => {
    const row = project(requested, followup(1, 'ContactAttemptFailed', { round: 1, attempt: 1 }));
    expect(applyToWorklist(row, followup(1, 'ContactAttemptFailed', { round: 1, attempt: 1 }))).toBe(row);
    expect(applyToWorklist(row, requested)).toBe(row);
    // Routing positions are counted apart from follow-up's.
    expect(applyToWorklist(row, routing(0, 'ProgressReported', { round: 1, department: 'billing', note: 'n', firstResponse: true })).routingPosition).toBe(0);
  });

  describe('late progress', () => {
    const dueAt = '2026-03-02T09:30:00.000Z';
    const breached = routing(5, 'DeadlineBreached', { deadline: 'first_response', round: 1, department: 'billing', dueAt }, new Date('2026-03-02T09:31:00.000Z'));
    const escalated = routing(6, 'TicketEscalated', {
      level: 'department_manager',
      trigger: 'first_response_overdue',
      round: 1,
      department: 'billing',
      reason: 'first response was due',
      dueAt,
    });

    it('marks the ticket late with the deadline, then the escalation level, keeping when it became late', () => {
      expect(project(breached)).toMatchObject({
        progressLate: true,
        lateDepartment: 'billing',
        lateRound: 1,
        lateDeadline: 'first_response',
        lateDueAt: new Date(dueAt),
        escalationLevel: null,
        lateSince: new Date('2026-03-02T09:31:00.000Z'),
      });
      expect(project(breached, escalated)).toMatchObject({ escalationLevel: 'department_manager', lateSince: new Date('2026-03-02T09:31:00.000Z') });
    });

    it.each([
      ['ProgressReported', { round: 1, department: 'billing', note: 'working on it', firstResponse: true }],
      ['ResultReported', { round: 1, department: 'billing', handlerId: 'h-1', summary: 'done', complaint: false }],
      ['HandlingClosed', { outcome: 'satisfied', round: 1 }],
    ] as const)('is cleared by %s', (type, data) => {
      expect(project(breached, escalated, routing(7, type, data))).toMatchObject({ progressLate: false, escalationLevel: null, lateDueAt: null });
    });

    it('is not raised by an escalation for exhausted rounds', () => {
      const rounds = routing(3, 'TicketEscalated', { level: 'management', trigger: 'rounds_exhausted', round: 3, department: 'billing', reason: 'objects again' });
      expect(project(rounds).progressLate).toBe(false);
    });

    it('is left alone by events it does not concern', () => {
      const reassigned = routing(7, 'HandlerAssigned', { department: 'billing', handlerId: 'h-2', method: 'manager', reason: 'r' });
      expect(project(breached, reassigned)).toMatchObject({ progressLate: true, routingPosition: 7 });
    });
  });

  it('ignores streams of other contexts', () => {
    const event = { ...requested, streamId: `intake-ticket-${ticketId}` } as RecordedEvent;
    expect(worklistEventOf(event)).toBeUndefined();
  });
});
