import type { Organisation } from '../organisation/organisation';
import { evolveStaffing, initialStaffingState } from './availability.decider';
import { departmentWork, freeCandidatesOf, type WorkRow } from './capacity';

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
});
