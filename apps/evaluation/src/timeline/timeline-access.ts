import { DomainError, type Actor, type Department, type Role } from '@handoff/contracts';

const DEPARTMENT_ROLES: readonly Role[] = ['department_handler', 'department_manager'];

/**
 * A department's staff read the history of the tickets their department has held (routed to it,
 * passed to it, reopened with it), has been asked to take over (it must know what it is
 * accepting or refusing) or to answer a part of (a sub-request), and of no other: "read nothing they do not need". CS, management, QA
 * and auditors read every timeline.
 */
export function assertMayReadTimeline(actor: Actor, departmentsVisited: readonly Department[]): void {
  if (!DEPARTMENT_ROLES.includes(actor.role)) return;
  if (actor.department !== undefined && departmentsVisited.includes(actor.department)) return;
  throw new DomainError('FORBIDDEN', 'a department reads only the timelines of tickets it has held');
}

/** The departments that held the ticket, those asked to take it over, and those asked for a part of it. */
export function departmentsConcerned(departmentsVisited: readonly Department[], entries: readonly { type: string; data: unknown }[]): Department[] {
  const askedToTake = entries.flatMap((entry) => {
    const data = entry.data as { toDepartment?: unknown; department?: unknown } | null;
    const asked = entry.type === 'TransferRequested' ? data?.toDepartment : entry.type === 'SubRequestOpened' ? data?.department : undefined;
    return typeof asked === 'string' ? [asked] : [];
  });
  return [...new Set([...departmentsVisited, ...askedToTake])];
}

/** The department holding the ticket now: the last one it was routed to, passed to or reopened with, in timeline order. */
export function currentDepartment(entries: readonly { type: string; data: unknown }[]): Department | null {
  let current: Department | null = null;
  for (const entry of entries) {
    const data = (entry.data ?? {}) as { department?: unknown; toDepartment?: unknown };
    if ((entry.type === 'TicketRouted' || entry.type === 'TicketReopened') && typeof data.department === 'string') current = data.department;
    if (entry.type === 'TransferAccepted' && typeof data.toDepartment === 'string') current = data.toDepartment;
  }
  return current;
}

/**
 * Whether the contact details someone typed into a ticket's words (sealed where they stand) open
 * in clear for this reader, as routing's and follow-up's customer endpoints open the contact
 * fields: for CS, who calls the customer, and for the staff of the department handling the ticket
 * now. Everyone else reads them masked (management, QA, auditors, a department that held the
 * ticket before or is only asked to take it).
 */
export function mayReadContactDetails(actor: Actor, holding: Department | null): boolean {
  if (actor.role === 'cs') return true;
  return DEPARTMENT_ROLES.includes(actor.role) && actor.department !== undefined && actor.department === holding;
}
