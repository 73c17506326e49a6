import type { RecordedOf, RoutingEvent } from '@handoff/contracts';
import { subRequestItemView } from '../queue/queue.reader';
import { evolveSubRequest, subRequestIdOf, type SubRequestEntry } from './sub-requests.model';

const T0 = Date.parse('2025-03-03T01:00:00.000Z');
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

let position = 0;
function recorded(event: RoutingEvent, minutes: number): RecordedOf<RoutingEvent> {
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

const fold = (events: readonly RecordedOf<RoutingEvent>[]) =>
  events.reduce<SubRequestEntry | undefined>((entry, event) => evolveSubRequest(entry, event) ?? entry, undefined);

describe('a department’s sub-requests, folded from routing’s events', () => {
  const opened = recorded(
    {
      type: 'SubRequestOpened',
      data: {
        subRequestId: 's1',
        round: 1,
        department: 'logistics',
        leadDepartment: 'billing',
        reason: 'Where is the parcel?',
        deadlines: { from: iso(10), firstResponseDueAt: iso(40), resolutionDueAt: iso(250), policyVersion: 'v1' },
      },
    },
    10,
  );
  const claimed = recorded({ type: 'SubRequestAssigned', data: { subRequestId: 's1', department: 'logistics', handlerId: 'h-lou', method: 'claim', reason: 'r' } }, 12);
  const progress = recorded({ type: 'SubRequestProgressReported', data: { subRequestId: 's1', round: 1, department: 'logistics', note: 'asking', firstResponse: true } }, 20);
  const answered = recorded({ type: 'SubRequestAnswered', data: { subRequestId: 's1', round: 1, department: 'logistics', handlerId: 'h-lou', summary: 'Re-sent.' } }, 30);

  it('keys each sub-request event by its sub-request; the ticket’s own events build no row', () => {
    expect(subRequestIdOf(opened)).toBe('s1');
    expect(subRequestIdOf(recorded({ type: 'HandlingClosed', data: { outcome: 'satisfied', round: 1 } }, 1))).toBeUndefined();
  });

  it('is open in the asked department’s queue until answered, then shows the answer', () => {
    const open = fold([opened, claimed]);
    expect(open).toMatchObject({ department: 'logistics', leadDepartment: 'billing', status: 'in_progress', handlerId: 'h-lou', responded: false, outcome: null });
    expect(subRequestItemView(open!, 'Charged twice', new Date(iso(41)))).toMatchObject({ overdue: true, subject: 'Charged twice' });
    const done = fold([opened, claimed, progress, answered]);
    expect(done).toMatchObject({ status: 'answered', responded: true, outcome: 'Re-sent.', streamPosition: answered.streamPosition });
    // Nothing is owed once answered: never overdue.
    expect(subRequestItemView(done!, undefined, new Date(iso(10_000))).overdue).toBe(false);
  });

  it('keeps its own warnings and escalation stages, what the deadline sweep reads; the round’s own leave it alone', () => {
    const warned = recorded({ type: 'DeadlineApproaching', data: { deadline: 'first_response', round: 1, department: 'logistics', dueAt: iso(40), handlerId: 'h-lou', subRequestId: 's1' } }, 35);
    const roundBreached = recorded({ type: 'DeadlineBreached', data: { deadline: 'resolution', round: 1, department: 'billing', dueAt: iso(240) } }, 241);
    const breached = recorded({ type: 'DeadlineBreached', data: { deadline: 'resolution', round: 1, department: 'logistics', dueAt: iso(250), subRequestId: 's1' } }, 251);
    const escalated = recorded(
      { type: 'TicketEscalated', data: { level: 'department_manager', trigger: 'resolution_overdue', round: 1, department: 'logistics', reason: 'r', dueAt: iso(250), subRequestId: 's1' } },
      251,
    );
    expect(subRequestIdOf(warned)).toBe('s1');
    expect(subRequestIdOf(roundBreached)).toBeUndefined();
    expect(fold([opened, claimed, warned, breached, escalated])).toMatchObject({
      firstResponseWarned: true,
      resolutionWarned: false,
      firstResponseEscalation: 'none',
      resolutionEscalation: 'department_manager',
    });
  });

  it('skips an event it has applied already (a replay)', () => {
    const open = fold([opened, claimed]);
    expect(evolveSubRequest(open, claimed)).toBeUndefined();
  });
});
