import type { Category } from '@handoff/contracts';

/**
 * How a department names the one responsible handler when nobody claims a ticket. Pure: the
 * caller reads the department's handlers, their open tickets and skills from a read model.
 */

export const ASSIGNMENT_STRATEGIES = ['round_robin', 'least_loaded', 'skills'] as const;
export type AssignmentStrategy = (typeof ASSIGNMENT_STRATEGIES)[number];

export interface HandlerCandidate {
  readonly handlerId: string;
  /** Tickets this handler has open now. */
  readonly openTickets: number;
  /** Free tags: categories (`billing`), `complaint`, platforms (`wechat`), languages, ... */
  readonly skills: readonly string[];
  /** When this handler was last given a ticket in the department (ISO instant); absent if never. */
  readonly lastAssignedAt?: string;
}

export interface AssignableTicket {
  readonly category: Category;
  readonly complaint: boolean;
  readonly platform?: string;
}

export interface HandlerChoice {
  readonly handlerId: string;
  /** Human-readable, recorded on the assignment. */
  readonly reason: string;
}

/** The skills a ticket asks for: its category, `complaint` for a complaint, its social platform. */
export function requiredSkillsOf(ticket: AssignableTicket): readonly string[] {
  return [ticket.category, ...(ticket.complaint ? ['complaint'] : []), ...(ticket.platform ? [ticket.platform] : [])];
}

/** Undefined when there is no candidate at all. Deterministic: ties end on the handler id. */
export function chooseHandler(
  strategy: AssignmentStrategy,
  candidates: readonly HandlerCandidate[],
  ticket: AssignableTicket,
): HandlerChoice | undefined {
  if (candidates.length === 0) return undefined;
  switch (strategy) {
    case 'round_robin': {
      const chosen = [...candidates].sort(byLeastRecentlyAssigned)[0];
      return { handlerId: chosen.handlerId, reason: `round robin: ${lastAssignedText(chosen)}` };
    }
    case 'least_loaded': {
      const chosen = [...candidates].sort(byLoadThenRecency)[0];
      return {
        handlerId: chosen.handlerId,
        reason: `least loaded: ${openTicketsText(chosen)}, fewest of ${candidates.length} candidates`,
      };
    }
    case 'skills': {
      const required = requiredSkillsOf(ticket);
      const scored = candidates.map((candidate) => ({
        candidate,
        matching: required.filter((skill) => candidate.skills.includes(skill)),
      }));
      const best = Math.max(...scored.map((s) => s.matching.length));
      if (best === 0) {
        const chosen = [...candidates].sort(byLoadThenRecency)[0];
        return {
          handlerId: chosen.handlerId,
          reason: `skills: nobody has ${required.join(', ')}; least loaded instead (${openTicketsText(chosen)})`,
        };
      }
      const chosen = scored
        .filter((s) => s.matching.length === best)
        .sort((a, b) => byLoadThenRecency(a.candidate, b.candidate))[0];
      return {
        handlerId: chosen.candidate.handlerId,
        reason: `skills: has ${chosen.matching.join(', ')} (${best} of ${required.length} asked); ${openTicketsText(chosen.candidate)}`,
      };
    }
    default: {
      const unknown: never = strategy;
      throw new Error(`unknown assignment strategy ${String(unknown)}`);
    }
  }
}

const byHandlerId = (a: HandlerCandidate, b: HandlerCandidate): number =>
  a.handlerId < b.handlerId ? -1 : a.handlerId > b.handlerId ? 1 : 0;

/** Never assigned first, then the longest since the last assignment: a rotation without shared state. */
function byLeastRecentlyAssigned(a: HandlerCandidate, b: HandlerCandidate): number {
  const at = (c: HandlerCandidate) => (c.lastAssignedAt === undefined ? -Infinity : Date.parse(c.lastAssignedAt));
  return at(a) - at(b) || byHandlerId(a, b);
}

function byLoadThenRecency(a: HandlerCandidate, b: HandlerCandidate): number {
  return a.openTickets - b.openTickets || byLeastRecentlyAssigned(a, b);
}

const openTicketsText = (c: HandlerCandidate) => `${c.openTickets} open ticket${c.openTickets === 1 ? '' : 's'}`;
const lastAssignedText = (c: HandlerCandidate) =>
  c.lastAssignedAt === undefined ? 'not assigned a ticket yet' : `assigned least recently (${c.lastAssignedAt})`;
