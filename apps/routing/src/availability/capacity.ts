import type { Department, HandlerAvailability } from '@handoff/contracts';
import { departmentOf, type Organisation } from '../organisation/organisation';
import type { HandlerCandidate } from '../tickets/assignment';
import { candidatesOf, type HandlerLoad } from '../assignment/auto-assignment';
import { isAway, type StaffingState } from './availability.decider';

/**
 * Who may be given one more ticket automatically: the department's handlers who are at work and
 * below the department's limit on work in progress (`wipLimit`; none: no limit). Work in
 * progress is a handler's tickets in progress: a reported result waits on the customer, not on them.
 */
export function freeCandidatesOf(
  organisation: Organisation,
  department: Department,
  loads: readonly HandlerLoad[],
  staffing: StaffingState,
  now: Date,
): HandlerCandidate[] {
  const limit = departmentOf(organisation, department)?.wipLimit;
  return candidatesOf(organisation, department, loads).filter(
    (candidate) => !isAway(staffing, candidate.handlerId, now) && (limit === undefined || candidate.openTickets < limit),
  );
}

export type HandlerState = HandlerAvailability;

/** Each handler of the department as the console shows them: at work or away, their load against the limit. */
export function handlerStatesOf(organisation: Organisation, department: Department, loads: readonly HandlerLoad[], staffing: StaffingState, now: Date): HandlerState[] {
  const definition = departmentOf(organisation, department);
  const byHandler = new Map(loads.map((load) => [load.handlerId, load.openTickets]));
  return (definition?.handlers ?? []).map((handler) => {
    const away = isAway(staffing, handler.id, now);
    return {
      handlerId: handler.id,
      name: handler.name,
      away,
      until: away ? (staffing.away.get(handler.id)?.until ?? null) : null,
      inProgress: byHandler.get(handler.id) ?? 0,
      limit: definition?.wipLimit ?? null,
    };
  });
}

/** What the assigner reads of the department queue for a ticket. */
export interface WorkRow {
  readonly ticketId: string;
  readonly department: Department;
  readonly status: string;
  readonly handlerId: string | null;
  readonly routedAt: Date;
}

/** An automatic assignment the queue may not show yet: `fromHandlerId` held the ticket when it was made (null: nobody). */
export interface Reservation {
  readonly ticketId: string;
  readonly handlerId: string;
  readonly fromHandlerId: string | null;
  readonly reservedAt: Date;
}

export interface DepartmentWork {
  /** Tickets in progress per handler, for the strategies and the limit. */
  readonly loads: HandlerLoad[];
  /** The backlog, first in first out. */
  readonly waiting: string[];
  /** Who holds each ticket in progress, of the rows given (not of those counted by handler only). */
  readonly holders: ReadonlyMap<string, string>;
  /** Reservations the queue has caught up with: kept no longer. */
  readonly settled: string[];
}

/**
 * The department's work as the queue shows it, corrected by the assignments it does not show yet
 * (a reservation counts while the queue still shows the ticket with the holder it had when the
 * reservation was made) and by `newer` rows, folded from a batch the projection has not applied.
 *
 * `inProgressCounted`: tickets in progress per handler that the caller counted instead of reading
 * their rows (the department's in-progress rows, but for reserved tickets and those in `newer`,
 * whose rows it must pass). A queue holds thousands of them; an assignment needs their number only.
 */
export function departmentWork(
  department: Department,
  rows: readonly WorkRow[],
  reservations: readonly Reservation[],
  newer: readonly WorkRow[] = [],
  lastAssigned: ReadonlyMap<string, Date> = new Map(),
  inProgressCounted: ReadonlyMap<string, number> = new Map(),
): DepartmentWork {
  const projected = new Map(rows.map((row) => [row.ticketId, row]));
  const current = new Map(projected);
  for (const row of newer) current.set(row.ticketId, row);
  const pending = (row: WorkRow | undefined, reservation: Reservation) =>
    !row || (row.department === department && row.handlerId === reservation.fromHandlerId && (row.status === 'awaiting_handler' || row.status === 'in_progress'));
  const counting = new Map(reservations.filter((reservation) => pending(current.get(reservation.ticketId), reservation)).map((r) => [r.ticketId, r]));
  const holders = new Map<string, string>();
  const waiting: WorkRow[] = [];
  for (const row of current.values()) {
    if (row.department !== department) continue;
    const reserved = counting.get(row.ticketId);
    if (reserved) holders.set(row.ticketId, reserved.handlerId);
    else if (row.status === 'in_progress' && row.handlerId) holders.set(row.ticketId, row.handlerId);
    else if (row.status === 'awaiting_handler') waiting.push(row);
  }
  for (const reserved of counting.values()) if (!current.has(reserved.ticketId)) holders.set(reserved.ticketId, reserved.handlerId);
  const open = new Map(inProgressCounted);
  for (const handlerId of holders.values()) open.set(handlerId, (open.get(handlerId) ?? 0) + 1);
  const last = new Map(lastAssigned);
  for (const reservation of reservations) {
    const known = last.get(reservation.handlerId);
    if (!known || known < reservation.reservedAt) last.set(reservation.handlerId, reservation.reservedAt);
  }
  const handlers = new Set([...open.keys(), ...last.keys()]);
  return {
    loads: [...handlers].map((handlerId) => ({
      handlerId,
      openTickets: open.get(handlerId) ?? 0,
      ...(last.has(handlerId) && { lastAssignedAt: last.get(handlerId) }),
    })),
    waiting: waiting
      .sort((a, b) => a.routedAt.getTime() - b.routedAt.getTime() || (a.ticketId < b.ticketId ? -1 : a.ticketId > b.ticketId ? 1 : 0))
      .map((row) => row.ticketId),
    holders,
    // Judged on what is committed only: a batch not applied yet may still be rolled back.
    settled: reservations.filter((reservation) => !pending(projected.get(reservation.ticketId), reservation) && projected.has(reservation.ticketId)).map((r) => r.ticketId),
  };
}

/**
 * The work as reading it again would show it once `ticketId`, waiting, was given to `handlerId`
 * at `assignedAt` and its reservation recorded: no longer waiting, one more ticket in progress for
 * the handler, who was assigned last at that moment. A drain assigns ticket after ticket under the
 * department's lock, and reading the whole backlog again after each one cost the server more than
 * the rest of the assignment (README, Performance, twelfth round). Reservations already settled
 * were forgotten by the caller, so none is left to settle.
 */
export function afterAssignment(work: DepartmentWork, ticketId: string, handlerId: string, assignedAt: Date): DepartmentWork {
  const holders = new Map(work.holders);
  holders.set(ticketId, handlerId);
  const loads = work.loads.some((load) => load.handlerId === handlerId) ? work.loads : [...work.loads, { handlerId, openTickets: 0 }];
  return {
    loads: loads.map((load) =>
      load.handlerId !== handlerId
        ? load
        : {
            handlerId,
            openTickets: load.openTickets + 1,
            lastAssignedAt: load.lastAssignedAt && load.lastAssignedAt > assignedAt ? load.lastAssignedAt : assignedAt,
          },
    ),
    waiting: work.waiting.filter((waiting) => waiting !== ticketId),
    holders,
    settled: [],
  };
}
