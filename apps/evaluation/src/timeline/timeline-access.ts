import { DomainError, type Actor, type Department, type Role } from '@handoff/contracts';

const DEPARTMENT_ROLES: readonly Role[] = ['department_handler', 'department_manager'];

/**
 * A department's staff read the history of the tickets their department has held (routed to it,
 * passed to it, reopened with it), and of no other: "read nothing they do not need". CS,
 * management, QA and auditors read every timeline.
 */
export function assertMayReadTimeline(actor: Actor, departmentsVisited: readonly Department[]): void {
  if (!DEPARTMENT_ROLES.includes(actor.role)) return;
  if (actor.department !== undefined && departmentsVisited.includes(actor.department)) return;
  throw new DomainError('FORBIDDEN', 'a department reads only the timelines of tickets it has held');
}
