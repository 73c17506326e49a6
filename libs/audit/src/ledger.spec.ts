import { GENESIS_HASH, type RecordedEvent } from '@handoff/contracts';
import { sealedCustomer } from '@handoff/testing';
import { stateAsOf } from './as-of';
import { handoffLedger } from './ledger';
import { orderHistory } from './history';

const T0 = Date.parse('2026-03-02T01:00:00.000Z');
const at = (minute: number) => new Date(T0 + minute * 60_000).toISOString();
const positions = new Map<string, number>();
let sequence = 0;

function event(service: 'intake' | 'routing' | 'followup', minute: number, type: string, data: unknown): RecordedEvent {
  const streamId = `${service}-ticket-t1`;
  const streamPosition = positions.get(streamId) ?? 0;
  positions.set(streamId, streamPosition + 1);
  sequence++;
  return {
    eventId: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    type,
    schemaVersion: 1,
    streamId,
    streamPosition,
    globalPosition: String(sequence),
    ticketId: 't1',
    data,
    metadata: { correlationId: 'c', causationId: `k${sequence}`, actorId: 'someone', role: 'system', occurredAt: at(minute), recordedAt: at(minute) },
    contentHash: GENESIS_HASH,
    previousHash: GENESIS_HASH,
    hash: GENESIS_HASH,
  };
}

const deadlines = (from: number) => ({ from: at(from), firstResponseDueAt: at(from + 30), resolutionDueAt: at(from + 1440), policyVersion: 'p1' });
const routed = { rule: 'billing', reason: 'category billing', type: 'complaint', category: 'billing', priority: 'high', channel: 'hotline', complaint: true };

// A complaint: billing, passed to logistics and back (a bounce), one objection, then satisfied.
const history = orderHistory([
  event('intake', 0, 'ContactRecorded', {
    sourceSystem: 'pbx', externalId: 'call-1', channel: 'hotline', type: 'complaint',
    customer: sealedCustomer({ name: 'Wang Fang', phone: '+86 139 0000 0001' }), subject: 'Charged twice', description: 'Twice for one invoice.',
  }),
  event('intake', 0, 'TicketHandedOver', {
    channel: 'hotline', type: 'complaint', category: 'billing', priority: 'high', customer: sealedCustomer({ name: 'Wang Fang', phone: '+86 139 0000 0001' }),
    subject: 'Charged twice', description: 'Twice for one invoice.', complaint: true, reason: 'classified_for_department',
  }),
  event('routing', 1, 'TicketRouted', { ...routed, department: 'billing', round: 1, deadlines: deadlines(1) }),
  event('routing', 1, 'ManagementInvolved', { reason: 'complaint' }),
  event('routing', 2, 'HandlerAssigned', { department: 'billing', handlerId: 'h-wu', method: 'least_loaded', reason: 'fewest open' }),
  event('routing', 3, 'TransferRequested', { fromDepartment: 'billing', toDepartment: 'logistics', reason: 'parcel' }),
  event('routing', 4, 'TransferAccepted', { fromDepartment: 'billing', toDepartment: 'logistics', previousHandlerId: 'h-wu' }),
  event('routing', 5, 'HandlerAssigned', { department: 'logistics', handlerId: 'h-he', method: 'claim', reason: 'claimed' }),
  event('routing', 6, 'TransferRequested', { fromDepartment: 'logistics', toDepartment: 'billing', reason: 'it is a charge' }),
  event('routing', 7, 'TransferAccepted', { fromDepartment: 'logistics', toDepartment: 'billing', previousHandlerId: 'h-he' }),
  event('routing', 8, 'HandlerAssigned', { department: 'billing', handlerId: 'h-wu', method: 'claim', reason: 'claimed' }),
  event('routing', 40, 'ProgressReported', { round: 1, department: 'billing', note: 'plan', firstResponse: true }),
  event('routing', 60, 'ResultReported', { round: 1, department: 'billing', handlerId: 'h-wu', summary: 'refunded', complaint: true, apology: 'sorry', correctiveAction: 'fixed' }),
  event('followup', 61, 'ConfirmationRequested', { round: 1, resolvedBy: 'department', department: 'billing', resultSummary: 'refunded' }),
  event('followup', 70, 'CustomerObjected', { round: 1, resolvedBy: 'department', department: 'billing', objection: 'only half refunded' }),
  event('routing', 71, 'TicketReopened', { round: 2, department: 'billing', handlerId: 'h-wu', objection: 'only half refunded', deadlines: deadlines(71) }),
  event('routing', 90, 'ResultReported', { round: 2, department: 'billing', handlerId: 'h-wu', summary: 'rest refunded', complaint: true, apology: 'sorry again', correctiveAction: 'fixed' }),
  event('followup', 91, 'ConfirmationRequested', { round: 2, resolvedBy: 'department', department: 'billing', resultSummary: 'rest refunded' }),
  event('followup', 100, 'CustomerConfirmedSatisfaction', { round: 2 }),
  event('followup', 100, 'TicketClosed', { outcome: 'satisfied', round: 2 }),
]);

describe('the handoff ledger', () => {
  it('lists each holder with when it got the ticket, when it passed it on and how long it held it', () => {
    const { holdings } = handoffLedger(history);
    expect(holdings.map((holding) => [holding.holder, holding.from, holding.to, holding.minutes])).toEqual([
      [{ kind: 'cs', stage: 'intake' }, at(0), at(1), 1],
      [{ kind: 'department', department: 'billing' }, at(1), at(2), 1],
      [{ kind: 'handler', department: 'billing', handlerId: 'h-wu' }, at(2), at(4), 2],
      [{ kind: 'department', department: 'logistics' }, at(4), at(5), 1],
      [{ kind: 'handler', department: 'logistics', handlerId: 'h-he' }, at(5), at(7), 2],
      [{ kind: 'department', department: 'billing' }, at(7), at(8), 1],
      [{ kind: 'handler', department: 'billing', handlerId: 'h-wu' }, at(8), at(60), 52],
      [{ kind: 'cs', stage: 'follow_up' }, at(60), at(71), 11],
      [{ kind: 'handler', department: 'billing', handlerId: 'h-wu' }, at(71), at(90), 19],
      [{ kind: 'cs', stage: 'follow_up' }, at(90), at(100), 10],
    ]);
    expect(holdings.at(-1)?.passedOnBy).toBe('TicketClosed');
  });

  it('marks the department that got the ticket back as a bounce, and management involved beside the holder', () => {
    const ledger = handoffLedger(history);
    expect(ledger.bounces).toEqual([{ department: 'billing', at: at(7) }]);
    expect(ledger.managementInvolved).toEqual([{ at: at(1), reason: 'complaint' }]);
  });

  it('hands the ticket to management when management takes it over, and back to the handler the manager names', () => {
    const takenOver = orderHistory([
      ...history.slice(0, 5),
      event('routing', 20, 'TicketTakenOver', { department: 'billing', round: 1, holderId: 'director-1', reason: 'the customer called the CEO', previousHandlerId: 'h-wu' }),
      event('routing', 50, 'HandlerAssigned', { department: 'billing', handlerId: 'h-wu', method: 'manager', reason: 'back to Wu', previousHandlerId: 'director-1' }),
    ]);
    expect(handoffLedger(takenOver).holdings.slice(-3).map((holding) => [holding.holder, holding.from, holding.passedOnBy])).toEqual([
      [{ kind: 'handler', department: 'billing', handlerId: 'h-wu' }, at(2), 'TicketTakenOver'],
      [{ kind: 'management' }, at(20), 'HandlerAssigned'],
      [{ kind: 'handler', department: 'billing', handlerId: 'h-wu' }, at(50), null],
    ]);
    expect(stateAsOf(takenOver, new Date(at(30)))).toMatchObject({ handlerId: 'director-1', holder: { kind: 'management' } });
  });

  it('leaves the last holder open while the ticket is not closed', () => {
    const open = handoffLedger(history.slice(0, 6));
    expect(open.holdings.at(-1)).toMatchObject({ holder: { kind: 'handler', handlerId: 'h-wu' }, to: null, minutes: null });
  });
});

describe('the state as of a past moment', () => {
  it('shows who held it and which deadlines were running, and whether they were late then', () => {
    const state = stateAsOf(history, new Date(at(35)));
    expect(state).toMatchObject({
      stage: 'with_department',
      department: 'billing',
      handlerId: 'h-wu',
      round: 1,
      complaint: true,
      managementInvolved: true,
      holder: { kind: 'handler', department: 'billing', handlerId: 'h-wu' },
    });
    expect(state.runningDeadlines).toEqual([
      { deadline: 'first_response', round: 1, dueAt: at(31), overdue: true },
      { deadline: 'resolution', round: 1, dueAt: at(1441), overdue: false },
    ]);
  });

  it('stops a deadline once met, and starts the next round’s on a reopening', () => {
    expect(stateAsOf(history, new Date(at(45))).runningDeadlines.map((deadline) => deadline.deadline)).toEqual(['resolution']);
    expect(stateAsOf(history, new Date(at(80)))).toMatchObject({ round: 2, stage: 'with_department', runningDeadlines: [{ deadline: 'first_response', round: 2 }, { deadline: 'resolution', round: 2 }] });
  });

  it('equals the replay of exactly the events that had happened by then', () => {
    for (const minute of [0, 1, 4, 60, 65, 100]) {
      const asOf = new Date(at(minute));
      const happened = history.filter((entry) => Date.parse(entry.metadata.occurredAt) <= asOf.getTime());
      expect(stateAsOf(history, asOf)).toEqual(stateAsOf(happened, asOf));
      expect(stateAsOf(history, asOf).eventsSoFar).toBe(happened.length);
    }
    expect(stateAsOf(history, new Date(at(100)))).toMatchObject({ stage: 'closed', outcome: 'satisfied', holder: null, runningDeadlines: [] });
    expect(stateAsOf(history, new Date(at(-1)))).toMatchObject({ stage: 'not_yet_recorded', eventsSoFar: 0 });
  });
});

describe('the state as of a past moment, with a paused clock', () => {
  const upToPlan = history.slice(0, 12);
  const paused = orderHistory([
    ...upToPlan,
    event('routing', 45, 'ResolutionClockPaused', { round: 1, department: 'billing', reason: 'waiting_on_customer', handlerId: 'h-wu', pausedAt: at(45), resolutionDueAt: at(1441), resumeBy: at(45 + 4320) }),
    event('routing', 50, 'PriorityChanged', { round: 1, department: 'billing', previousPriority: 'high', priority: 'urgent', reason: 'r', previousDeadlines: deadlines(1), deadlines: { ...deadlines(1), resolutionDueAt: at(241) } }),
    event('routing', 105, 'ResolutionClockResumed', {
      round: 1, department: 'billing', trigger: 'handler', reason: 'waiting_on_customer', pausedAt: at(45), resumedAt: at(105), pausedMinutes: 60,
      deadlines: { ...deadlines(1), resolutionDueAt: at(301) },
    }),
  ]);

  it('shows the pause, with no resolution deadline running while it lasts, and the moved deadline after it', () => {
    expect(stateAsOf(paused, new Date(at(60)))).toMatchObject({ pausedClock: { since: at(45), reason: 'waiting_on_customer' }, runningDeadlines: [] });
    expect(stateAsOf(paused, new Date(at(120)))).toMatchObject({
      pausedClock: null,
      runningDeadlines: [{ deadline: 'resolution', round: 1, dueAt: at(301), overdue: false }],
    });
  });
});

describe('the handoff ledger of a ticket that asked other departments at once', () => {
  const upToPlan = history.slice(0, 12);
  const parallel = orderHistory([
    ...upToPlan,
    event('routing', 41, 'SubRequestOpened', { subRequestId: 's1', round: 1, department: 'logistics', leadDepartment: 'billing', reason: 'parcel?', deadlines: deadlines(41) }),
    event('routing', 42, 'SubRequestOpened', { subRequestId: 's2', round: 1, department: 'product', leadDepartment: 'billing', reason: 'defect?', deadlines: deadlines(42) }),
    event('routing', 45, 'SubRequestAssigned', { subRequestId: 's1', department: 'logistics', handlerId: 'h-he', method: 'claim', reason: 'claimed' }),
    event('routing', 55, 'SubRequestAnswered', { subRequestId: 's1', round: 1, department: 'logistics', handlerId: 'h-he', summary: 're-sent' }),
  ]);

  it('shows each sub-request\'s holders beside the ticket\'s own, which keeps the ticket', () => {
    const ledger = handoffLedger(parallel);
    expect(ledger.holdings.at(-1)).toMatchObject({ holder: { kind: 'handler', department: 'billing', handlerId: 'h-wu' }, to: null });
    expect(ledger.parallel).toEqual([
      { subRequestId: 's1', holder: { kind: 'department', department: 'logistics' }, from: at(41), to: at(45), minutes: 4, receivedBy: 'SubRequestOpened', passedOnBy: 'SubRequestAssigned' },
      { subRequestId: 's2', holder: { kind: 'department', department: 'product' }, from: at(42), to: null, minutes: null, receivedBy: 'SubRequestOpened', passedOnBy: null },
      { subRequestId: 's1', holder: { kind: 'handler', department: 'logistics', handlerId: 'h-he' }, from: at(45), to: at(55), minutes: 10, receivedBy: 'SubRequestAssigned', passedOnBy: 'SubRequestAnswered' },
    ]);
  });
});
