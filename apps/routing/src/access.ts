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

/**
 * Whose own work on a ticket needs the customer's full contact details (DOMAIN.md, steps 2 and 7):
 * the staff of the department that has it now, so it never has to ask the customer again, and CS,
 * who calls the customer back. Anyone else sees them masked unless they state a reason.
 */
export function needsContactDetails(actor: Actor, currentDepartment: Department): boolean {
  if (actor.role === 'cs') return true;
  return DEPARTMENT_ROLES.includes(actor.role) && actor.department === currentDepartment;
}
