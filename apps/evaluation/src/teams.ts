import { z } from 'zod';
import { DomainError, storableString, type Actor, type Team } from '@handoff/contracts';

/**
 * Teams are what quality sampling and assessment are organised by: `cs` (the CS agents) and each
 * business department (its handlers and manager).
 */
export const teamSchema = storableString().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be cs or a department such as billing');

/** QA and management see and follow up every team; a department's manager their own department. */
export function assertMaySuperviseTeam(actor: Actor, team: Team): void {
  if (actor.role === 'qa' || actor.role === 'management') return;
  if (actor.role === 'department_manager' && actor.department === team) return;
  throw new DomainError('FORBIDDEN', `role ${actor.role}${actor.department ? ` of ${actor.department}` : ''} may not see or follow up team ${team}`);
}
