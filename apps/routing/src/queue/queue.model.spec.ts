import type { IntakeEvent, RecordedOf, RoutingEvent, TicketHandedOverData } from '@handoff/contracts';
import { recordedOf } from '@handoff/testing';
import { evolve, initialState, type RoutingState } from '../tickets/tickets.decider';
import { evolveQueueEntry, evolveTicketSubject, isOverdue, opensQueueEntry, queueChangesOf, runningDeadlinesOf, type QueueEntry } from './queue.model';

const T0 = Date.parse('2025-03-03T01:00:00.000Z');
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const deadlines = (from: number) => ({ from: iso(from), firstResponseDueAt: iso(from + 30), resolutionDueAt: iso(from + 240), policyVersion: 'v1' });

let position = 0;
function recorded(event: RoutingEvent, minutes = position): RecordedOf<RoutingEvent> {
  const streamPosition = position++;
  return {
    ...event,
    eventId: `00000000-0000-4000-8000-${String(streamPosition).padStart(12, '0')}`,
    schemaVersion: 1,
    streamId: 'routing-ticket-t1',
    streamPosition,
    globalPosition: String(streamPosition + 1),
    ticketId: 't1',
    metadata: { correlationId: 'c', causationId: 'c', actorId: 'a', role: 'system', occurredAt: iso(minutes), recordedAt: iso(minutes) },
    contentHash: 'a'.repeat(64),
    previousHash: 'b'.repeat(64),
    hash: 'c'.repeat(64),
  } as RecordedOf<RoutingEvent>;
}

const routed: RoutingEvent = {
  type: 'TicketRouted',
  data: {
    department: 'billing',
    rule: 'billing',
    reason: 'payments are billing’s',
    round: 1,
    type: 'complaint',
    category: 'billing',
    priority: 'high',
    channel: 'email',
    complaint: true,
    deadlines: deadlines(0),
  },
};

function fold(events: readonly RoutingEvent[]): { entry: QueueEntry | undefined; state: RoutingState; history: (QueueEntry | undefined)[] } {
  position = 0;
  let entry: QueueEntry | undefined;
  let state = initialState;
  const history: (QueueEntry | undefined)[] = [];
  for (const event of events) {
    entry = evolveQueueEntry(entry, recorded(event)) ?? entry;
    state = evolve(state, event);
    history.push(entry);
  }
  return { entry, state, history };
}

describe('the department queue as a fold over routing events', () => {
  it('follows the ticket through assignment, a transfer and a reopened round as the decider does', () => {
    const events: RoutingEvent[] = [
      routed,
      { type: 'ManagementInvolved', data: { reason: 'complaint' } },
      { type: 'HandlerAssigned', data: { department: 'billing', handlerId: 'h-ana', method: 'claim', reason: 'claimed' } },
      { type: 'ProgressReported', data: { round: 1, department: 'billing', note: 'looking', firstResponse: true } },
      { type: 'TransferRequested', data: { fromDepartment: 'billing', toDepartment: 'logistics', reason: 'a parcel' } },
      { type: 'TransferAccepted', data: { fromDepartment: 'billing', toDepartment: 'logistics', previousHandlerId: 'h-ana' } },
      { type: 'HandlerAssigned', data: { department: 'logistics', handlerId: 'h-lou', method: 'least_loaded', reason: 'fewest' } },
      { type: 'ResultReported', data: { round: 1, department: 'logistics', handlerId: 'h-lou', summary: 's', complaint: true, apology: 'a', correctiveAction: 'c' } },
      { type: 'TicketReopened', data: { round: 2, department: 'logistics', handlerId: 'h-lou', objection: 'no', deadlines: deadlines(60) } },
    ];
    const { history, state } = fold(events);
    const statusOf = (entry: QueueEntry | undefined) => entry && { status: entry.status, department: entry.department, handlerId: entry.handlerId };
    expect(history.map(statusOf)).toEqual([
      { status: 'awaiting_handler', department: 'billing', handlerId: null },
      { status: 'awaiting_handler', department: 'billing', handlerId: null },
      { status: 'in_progress', department: 'billing', handlerId: 'h-ana' },
      { status: 'in_progress', department: 'billing', handlerId: 'h-ana' },
      { status: 'in_progress', department: 'billing', handlerId: 'h-ana' },
      { status: 'awaiting_handler', department: 'logistics', handlerId: null },
      { status: 'in_progress', department: 'logistics', handlerId: 'h-lou' },
      { status: 'result_reported', department: 'logistics', handlerId: 'h-lou' },
      { status: 'in_progress', department: 'logistics', handlerId: 'h-lou' },
    ]);
    expect(state).toMatchObject({ status: 'in_progress', handlerId: 'h-lou', ticket: { department: 'logistics', round: 2 } });
    const last = history.at(-1)!;
    expect(last).toMatchObject({ round: 2, respondedThisRound: false, managementInvolved: true, pendingTransferTo: null, streamPosition: 8 });
    expect(last.firstResponseDueAt.toISOString()).toBe(iso(90));
  });

  it('skips an event at or below the position it was built to', () => {
    const { entry } = fold([routed, { type: 'HandlerAssigned', data: { department: 'billing', handlerId: 'h-ana', method: 'claim', reason: 'r' } }]);
    position = 1;
    const replayed = recorded({ type: 'HandlerAssigned', data: { department: 'billing', handlerId: 'h-bo', method: 'claim', reason: 'r' } });
    expect(evolveQueueEntry(entry, replayed)).toBeUndefined();
  });

  it("knows the event that opens a ticket's entry: the first of the ticket's routing stream only", () => {
    expect(opensQueueEntry({ streamId: 'routing-ticket-t1', streamPosition: 0, ticketId: 't1' })).toBe(true);
    expect(opensQueueEntry({ streamId: 'routing-ticket-t1', streamPosition: 1, ticketId: 't1' })).toBe(false);
    // Another stream naming the ticket (a department's staffing, say) opens nothing of it.
    expect(opensQueueEntry({ streamId: 'staffing-billing', streamPosition: 0, ticketId: 't1' })).toBe(false);
  });

  it('builds nothing for an event before the ticket was routed', () => {
    position = 3;
    expect(evolveQueueEntry(undefined, recorded({ type: 'ManagementInvolved', data: { reason: 'complaint' } }))).toBeUndefined();
  });

  it('runs the first-response clock until the first response, both only while the department works', () => {
    const { history } = fold([
      routed,
      { type: 'HandlerAssigned', data: { department: 'billing', handlerId: 'h-ana', method: 'claim', reason: 'r' } },
      { type: 'ProgressReported', data: { round: 1, department: 'billing', note: 'n', firstResponse: true } },
      { type: 'ResultReported', data: { round: 1, department: 'billing', handlerId: 'h-ana', summary: 's', complaint: true, apology: 'a', correctiveAction: 'c' } },
    ]);
    expect(history.map((entry) => runningDeadlinesOf(entry!).map((deadline) => deadline.kind))).toEqual([
      ['first_response', 'resolution'],
      ['first_response', 'resolution'],
      ['resolution'],
      [],
    ]);
    expect(isOverdue(history[0]!, new Date(iso(31)))).toBe(true);
    expect(isOverdue(history[2]!, new Date(iso(31)))).toBe(false);
    expect(isOverdue(history[3]!, new Date(iso(1000)))).toBe(false);
  });

  it('records breaches and escalations per deadline', () => {
    const { entry } = fold([
      routed,
      { type: 'DeadlineBreached', data: { deadline: 'first_response', round: 1, department: 'billing', dueAt: iso(30) } },
      { type: 'TicketEscalated', data: { level: 'department_manager', trigger: 'first_response_overdue', round: 1, department: 'billing', reason: 'r', dueAt: iso(30) } },
      { type: 'TicketEscalated', data: { level: 'management', trigger: 'first_response_overdue', round: 1, department: 'billing', reason: 'r', dueAt: iso(30) } },
      { type: 'DeadlineBreached', data: { deadline: 'resolution', round: 1, department: 'billing', dueAt: iso(240) } },
    ]);
    expect(entry).toMatchObject({ firstResponseEscalation: 'management', resolutionEscalation: 'breached' });
    expect(runningDeadlinesOf(entry!).map((deadline) => deadline.escalation)).toEqual(['management', 'breached']);
  });

  it("leaves a sub-request's warnings and escalations to its own row: the lead's clocks are untouched", () => {
    const { entry } = fold([
      routed,
      { type: 'DeadlineApproaching', data: { deadline: 'first_response', round: 1, department: 'logistics', dueAt: iso(40), handlerId: null, subRequestId: 's1' } },
      { type: 'DeadlineBreached', data: { deadline: 'first_response', round: 1, department: 'logistics', dueAt: iso(40), subRequestId: 's1' } },
      { type: 'TicketEscalated', data: { level: 'management', trigger: 'resolution_overdue', round: 1, department: 'logistics', reason: 'r', dueAt: iso(250), subRequestId: 's1' } },
    ]);
    expect(entry).toMatchObject({ department: 'billing', firstResponseEscalation: 'none', resolutionEscalation: 'none', firstResponseWarnedFor: null, streamPosition: 3 });
  });

  it('tells the department a ticket left, and the department a transfer is offered to', () => {
    const { history } = fold([
      routed,
      { type: 'TransferRequested', data: { fromDepartment: 'billing', toDepartment: 'logistics', reason: 'parcel' } },
      { type: 'TransferAccepted', data: { fromDepartment: 'billing', toDepartment: 'logistics' } },
    ]);
    const pick = (changes: ReturnType<typeof queueChangesOf>) => changes.map(({ department, change }) => `${department}:${change}`);
    expect(pick(queueChangesOf(history[0], history[1]!))).toEqual(['billing:updated', 'logistics:transfer']);
    expect(pick(queueChangesOf(history[1], history[2]!))).toEqual(['logistics:updated', 'billing:left']);
  });
});

describe('a paused resolution clock in the queue', () => {
  const claimed: RoutingEvent = { type: 'HandlerAssigned', data: { department: 'billing', handlerId: 'h-ana', method: 'claim', reason: 'claimed' } };
  const planned: RoutingEvent = { type: 'ProgressReported', data: { round: 1, department: 'billing', note: 'looking', firstResponse: true } };
  const paused: RoutingEvent = {
    type: 'ResolutionClockPaused',
    data: { round: 1, department: 'billing', reason: 'waiting_on_third_party', note: 'The courier', handlerId: 'h-ana', pausedAt: iso(20), resolutionDueAt: iso(240), resumeBy: iso(20 + 4320) },
  };
  const resumed: RoutingEvent = {
    type: 'ResolutionClockResumed',
    data: { round: 1, department: 'billing', trigger: 'handler', reason: 'waiting_on_third_party', pausedAt: iso(20), resumedAt: iso(500), pausedMinutes: 480, deadlines: { ...deadlines(0), resolutionDueAt: iso(720) } },
  };

  it('shows since when, why and until when it is paused; the sweep waits only for the limit, and the ticket is not overdue', () => {
    const { entry } = fold([routed, claimed, planned, paused]);
    expect(entry).toMatchObject({ pausedSince: new Date(iso(20)), pauseReason: 'waiting_on_third_party', pauseNote: 'The courier', pauseResumeBy: new Date(iso(4340)) });
    expect(runningDeadlinesOf(entry!)).toEqual([
      { ticketId: 't1', kind: 'pause_limit', department: 'billing', round: 1, dueAt: new Date(iso(4340)), escalation: 'none', warned: true },
    ]);
    expect(isOverdue(entry!, new Date(iso(300)))).toBe(false);
  });

  it('still runs the first-response clock while the resolution clock is paused', () => {
    const { entry } = fold([routed, claimed, paused]);
    expect(runningDeadlinesOf(entry!).map((deadline) => deadline.kind)).toEqual(['first_response', 'pause_limit']);
    expect(isOverdue(entry!, new Date(iso(31)))).toBe(true);
  });

  it('takes the moved deadline when the clock resumes, and the new ones when the priority changes', () => {
    const { entry, state } = fold([routed, claimed, planned, paused, resumed]);
    expect(entry).toMatchObject({ pausedSince: null, pauseReason: null, pauseNote: null, pauseResumeBy: null, resolutionDueAt: new Date(iso(720)) });
    expect(runningDeadlinesOf(entry!).map((deadline) => [deadline.kind, deadline.dueAt])).toEqual([['resolution', new Date(iso(720))]]);
    expect(state.status !== 'unrouted' && state.ticket.deadlines.resolutionDueAt).toBe(iso(720));
    const changed = fold([
      routed,
      claimed,
      { type: 'PriorityChanged', data: { round: 1, department: 'billing', previousPriority: 'high', priority: 'urgent', reason: 'r', previousDeadlines: deadlines(0), deadlines: { ...deadlines(0), resolutionDueAt: iso(120) } } },
    ]);
    expect(changed.entry).toMatchObject({ priority: 'urgent', resolutionDueAt: new Date(iso(120)) });
  });
});

describe('the subject and customer of each ticket, from the hand-over', () => {
  const handedOver = (streamPosition: number, subject: string) =>
    recordedOf<IntakeEvent>(
      { type: 'TicketHandedOver', data: { subject, customer: { keyId: 'k1', sealed: 'sealed-k1', customerId: 'crm-9' } } as unknown as TicketHandedOverData },
      { ticketId: 't1', streamId: 'intake-ticket-t1', streamPosition, occurredAt: iso(0) },
    );

  it('keeps the customer sealed and the subject cut to a headline', () => {
    expect(evolveTicketSubject(undefined, handedOver(2, 's'.repeat(301)))).toEqual({
      ticketId: 't1',
      subject: 's'.repeat(300),
      customerKeyId: 'k1',
      customerSealed: 'sealed-k1',
      customerId: 'crm-9',
      streamPosition: 2,
    });
  });

  it('changes nothing for a replayed or older hand-over, and takes a later one', () => {
    const subject = evolveTicketSubject(undefined, handedOver(2, 'Charged twice'))!;
    expect(evolveTicketSubject(subject, handedOver(2, 'Charged twice'))).toBeUndefined();
    expect(evolveTicketSubject(subject, handedOver(1, 'Older'))).toBeUndefined();
    expect(evolveTicketSubject(subject, handedOver(5, 'Objected'))).toMatchObject({ subject: 'Objected', streamPosition: 5 });
  });
});
