import type { Organisation } from '../organisation/organisation';
import { evolveStaffing, initialStaffingState } from './availability.decider';
import { afterAssignment, departmentWork, freeCandidatesOf, type Reservation, type WorkRow } from './capacity';

const organisation: Organisation = {
  departments: [
    {
      id: 'billing',
      name: 'Billing',
      strategy: 'least_loaded',
      wipLimit: 1,
      handlers: [{ id: 'h-ana', name: 'Ana', skills: [] }, { id: 'h-bo', name: 'Bo', skills: [] }, { id: 'h-cy', name: 'Cy', skills: [] }],
      managers: [],
    },
  ],
};
const NOW = new Date('2025-03-03T01:00:00.000Z');
const at = (minute: number) => new Date(NOW.getTime() + minute * 60_000);
const row = (ticketId: string, status: string, handlerId: string | null, minute: number, department = 'billing'): WorkRow => ({ ticketId, department, status, handlerId, routedAt: at(minute) });

describe('who may be given one more ticket', () => {
  it('passes by a handler away and one at the limit', () => {
    const staffing = evolveStaffing(initialStaffingState, { type: 'HandlerMarkedAway', data: { department: 'billing', handlerId: 'h-cy' } });
    const free = freeCandidatesOf(organisation, 'billing', [{ handlerId: 'h-ana', openTickets: 1 }], staffing, NOW);
    expect(free.map((candidate) => candidate.handlerId)).toEqual(['h-bo']);
    const noLimit: Organisation = { departments: [{ ...organisation.departments[0], wipLimit: undefined }] };
    expect(freeCandidatesOf(noLimit, 'billing', [{ handlerId: 'h-ana', openTickets: 9 }], initialStaffingState, NOW).map((c) => c.handlerId)).toEqual(['h-ana', 'h-bo', 'h-cy']);
  });
});

describe("a department's work", () => {
  it('counts tickets in progress, not results waiting on the customer, and lists the backlog oldest first', () => {
    const work = departmentWork('billing', [
      row('t3', 'awaiting_handler', null, 3),
      row('t1', 'in_progress', 'h-ana', 1),
      row('t0', 'result_reported', 'h-bo', 0),
      row('t2', 'awaiting_handler', null, 2),
      row('t9', 'awaiting_handler', null, 0, 'logistics'),
    ], []);
    expect(work.loads).toEqual([{ handlerId: 'h-ana', openTickets: 1 }]);
    expect(work.waiting).toEqual(['t2', 't3']);
  });

  it('counts an assignment the queue does not show yet, until the queue shows the ticket moved on', () => {
    const reservation = { ticketId: 't2', handlerId: 'h-bo', fromHandlerId: null, reservedAt: at(4) };
    const pending = departmentWork('billing', [row('t2', 'awaiting_handler', null, 2), row('t3', 'awaiting_handler', null, 3)], [reservation]);
    expect(pending.loads).toEqual([{ handlerId: 'h-bo', openTickets: 1, lastAssignedAt: at(4) }]);
    expect(pending.waiting).toEqual(['t3']);
    expect(pending.settled).toEqual([]);
    const caughtUp = departmentWork('billing', [row('t2', 'result_reported', 'h-bo', 2)], [reservation]);
    expect(caughtUp.loads).toEqual([{ handlerId: 'h-bo', openTickets: 0, lastAssignedAt: at(4) }]);
    expect(caughtUp.settled).toEqual(['t2']);
  });

  it('takes the rows of a batch not applied yet as newer, but settles reservations on what is committed only', () => {
    const reservation = { ticketId: 't2', handlerId: 'h-bo', fromHandlerId: null, reservedAt: at(4) };
    const work = departmentWork('billing', [row('t1', 'in_progress', 'h-ana', 1), row('t2', 'awaiting_handler', null, 2)], [reservation], [
      row('t1', 'result_reported', 'h-ana', 1),
      row('t2', 'in_progress', 'h-bo', 2),
    ]);
    expect(work.loads.find((load) => load.handlerId === 'h-ana')?.openTickets ?? 0).toBe(0);
    expect(work.loads.find((load) => load.handlerId === 'h-bo')?.openTickets).toBe(1);
    expect(work.settled).toEqual([]);
  });

  it('hands an away handler’s reserved tickets on with the rest of theirs', () => {
    const work = departmentWork('billing', [row('t1', 'in_progress', 'h-ana', 1), row('t2', 'in_progress', 'h-bo', 2)], [
      { ticketId: 't2', handlerId: 'h-ana', fromHandlerId: 'h-bo', reservedAt: at(4) },
    ]);
    expect([...work.holders].filter(([, holder]) => holder === 'h-ana').map(([ticketId]) => ticketId).sort()).toEqual(['t1', 't2']);
  });

  it('comes to the same loads, backlog and settled reservations when the plain tickets in progress are counted per handler instead of read', () => {
    const reservations = [
      { ticketId: 't2', handlerId: 'h-bo', fromHandlerId: null, reservedAt: at(4) },
      { ticketId: 't5', handlerId: 'h-cy', fromHandlerId: 'h-ana', reservedAt: at(5) },
      { ticketId: 't6', handlerId: 'h-ana', fromHandlerId: null, reservedAt: at(6) },
    ];
    const rows = [
      row('t1', 'in_progress', 'h-ana', 1),
      row('t2', 'awaiting_handler', null, 2),
      row('t3', 'in_progress', 'h-bo', 3),
      row('t4', 'in_progress', 'h-bo', 4),
      row('t5', 'in_progress', 'h-ana', 5),
      row('t6', 'in_progress', 'h-ana', 6),
      row('t7', 'awaiting_handler', null, 7),
      row('t8', 'in_progress', 'h-cy', 8),
    ];
    const newer = [row('t3', 'result_reported', 'h-bo', 3), row('t9', 'awaiting_handler', null, 9)];
    const read = departmentWork('billing', rows, reservations, newer, new Map([['h-ana', at(0)]]));
    // What workOf reads when it counts: the backlog and the reserved tickets row by row, the other
    // tickets in progress (but those in `newer`) as a number per handler.
    const reserved = new Set(reservations.map((reservation) => reservation.ticketId));
    const newerIds = new Set(newer.map((entry) => entry.ticketId));
    const counted = new Map<string, number>();
    for (const entry of rows) {
      if (entry.status !== 'in_progress' || reserved.has(entry.ticketId) || newerIds.has(entry.ticketId)) continue;
      counted.set(entry.handlerId!, (counted.get(entry.handlerId!) ?? 0) + 1);
    }
    const byRow = rows.filter((entry) => entry.status === 'awaiting_handler' || reserved.has(entry.ticketId));
    const countedWork = departmentWork('billing', byRow, reservations, newer, new Map([['h-ana', at(0)]]), counted);
    const sorted = (loads: readonly { handlerId: string }[]) => [...loads].sort((a, b) => a.handlerId.localeCompare(b.handlerId));
    expect(sorted(countedWork.loads)).toEqual(sorted(read.loads));
    expect(countedWork.waiting).toEqual(read.waiting);
    expect(countedWork.settled).toEqual(read.settled);
  });

  it('after an assignment, is what reading the queue and the reservations again gives, assignment after assignment', () => {
    const rows = [
      row('t1', 'awaiting_handler', null, 1),
      row('t2', 'awaiting_handler', null, 2),
      row('t3', 'awaiting_handler', null, 3),
      row('t4', 'awaiting_handler', null, 4),
      row('t5', 'awaiting_handler', null, 5),
      row('t6', 'in_progress', 'h-bo', 6),
    ];
    // t6's reservation is one the queue has caught up with; t1's still counts.
    const reservations: Reservation[] = [
      { ticketId: 't1', handlerId: 'h-ana', fromHandlerId: null, reservedAt: at(7) },
      { ticketId: 't6', handlerId: 'h-bo', fromHandlerId: null, reservedAt: at(2) },
    ];
    const newer = [row('t7', 'awaiting_handler', null, 8)];
    const lastAssigned = new Map([['h-bo', at(9)]]);
    const sorted = (loads: readonly { handlerId: string }[]) => [...loads].sort((a, b) => a.handlerId.localeCompare(b.handlerId));
    let kept = departmentWork('billing', rows, reservations, newer, lastAssigned);
    expect(kept.settled).toEqual(['t6']);
    // The caller forgets the settled reservation; the queue has not applied any assignment yet.
    const recorded = reservations.filter((reservation) => reservation.ticketId !== 't6');
    const given: [string, string, number][] = [['t2', 'h-cy', 10], ['t3', 'h-bo', 5], ['t4', 'h-cy', 11], ['t7', 'h-ana', 12]];
    for (const [ticketId, handlerId, minute] of given) {
      kept = afterAssignment(kept, ticketId, handlerId, at(minute));
      recorded.push({ ticketId, handlerId, fromHandlerId: null, reservedAt: at(minute) });
      const reread = departmentWork('billing', rows, recorded, newer, lastAssigned);
      expect(sorted(kept.loads)).toEqual(sorted(reread.loads));
      expect(kept.waiting).toEqual(reread.waiting);
      expect(kept.holders).toEqual(reread.holders);
      expect(kept.settled).toEqual(reread.settled);
    }
    expect(kept.waiting).toEqual(['t5']);
    // An assignment earlier than the handler's last keeps the last (h-bo was assigned at 9, given t3 at 5).
    expect(kept.loads.find((load) => load.handlerId === 'h-bo')).toEqual({ handlerId: 'h-bo', openTickets: 2, lastAssignedAt: at(9) });
  });
});
