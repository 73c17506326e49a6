import { DomainError, type Actor, type Department, type Role } from '@handoff/contracts';

/**
 * Who may read routing's views. A department's staff read their own department only; management
 * reads every department; CS follows its tickets up and QA and auditors inspect, all read-only.
 */
export const ROUTING_READERS: readonly Role[] = ['department_handler', 'department_manager', 'management', 'cs', 'qa', 'auditor'];

const DEPARTMENT_ROLES: readonly Role[] = ['department_handler', 'department_manager'];

/** Throws FORBIDDEN unless the actor may see what belongs to one of `departments`. */
export function assertMayRead(actor: Actor, departments: readonly (Department | undefined)[]): void {
  if (!DEPARTMENT_ROLES.includes(actor.role)) return;
  if (actor.department !== undefined && departments.includes(actor.department)) return;
  throw new DomainError('FORBIDDEN', 'a department sees only its own tickets');
}
