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
