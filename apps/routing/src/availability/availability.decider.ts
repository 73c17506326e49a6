import {
  DomainError,
  ValidationFailed,
  assertNever,
  type Command,
  type Decider,
  type Department,
  type StaffingEvent,
} from '@handoff/contracts';
import { isHandlerOf, type Organisation } from '../organisation/organisation';

/**
 * Who of a department is at work. Stream `staffing-<department>` (see staffingStreamId).
 *
 * A handler marks themself away and back; their department's manager, or management, may do it
 * for them (someone off sick does not sign in to say so). An absence may end by itself at
 * `until`; until then, and until they say they are back, automatic assignment passes them by.
 */

export type MarkAway = Command<'MarkAway', { readonly handlerId: string; readonly until?: string }>;
export type MarkBack = Command<'MarkBack', { readonly handlerId: string }>;
export type StaffingCommand = MarkAway | MarkBack;

export interface Absence {
  readonly until?: string;
}

export interface StaffingState {
  /** The handlers who said they are away, by id; an absence past its `until` is over (see isAway). */
  readonly away: ReadonlyMap<string, Absence>;
}

export const initialStaffingState: StaffingState = { away: new Map() };

/** The longest absence one can announce: a mistyped year would otherwise keep someone away for good. */
const MAX_ABSENCE_DAYS = 366;

export function decideStaffing(command: StaffingCommand, state: StaffingState, department: Department, organisation: Organisation): readonly StaffingEvent[] {
  const handlerId = command.data.handlerId?.trim() ?? '';
  if (!handlerId) throw new ValidationFailed([{ field: 'handlerId', message: 'must not be empty' }]);
  permitFor(command, department, handlerId);
  if (!isHandlerOf(organisation, department, handlerId)) {
    throw new ValidationFailed([{ field: 'handlerId', message: `is not a handler of ${department}` }]);
  }
  const now = command.metadata.now;
  switch (command.type) {
    case 'MarkAway': {
      const until = command.data.until === undefined ? undefined : untilOf(command.data.until, now);
      const current = state.away.get(handlerId);
      // Saying it again is no news; a new end of the absence is.
      if (current && isAway(state, handlerId, now) && current.until === until) return [];
      return [{ type: 'HandlerMarkedAway', data: { department, handlerId, ...(until !== undefined && { until }) } }];
    }
    case 'MarkBack':
      return isAway(state, handlerId, now) ? [{ type: 'HandlerBack', data: { department, handlerId } }] : [];
    default:
      return assertNever(command);
  }
}

export function evolveStaffing(state: StaffingState, event: StaffingEvent): StaffingState {
  const away = new Map(state.away);
  switch (event.type) {
    case 'HandlerMarkedAway':
      away.set(event.data.handlerId, event.data.until !== undefined ? { until: event.data.until } : {});
      return { away };
    case 'HandlerBack':
      away.delete(event.data.handlerId);
      return { away };
    default:
      return assertNever(event);
  }
}

/** Away at `now`: marked away, and the absence has no end or has not reached it. */
export function isAway(state: StaffingState, handlerId: string, now: Date): boolean {
  const absence = state.away.get(handlerId);
  if (!absence) return false;
  return absence.until === undefined || now.getTime() < Date.parse(absence.until);
}

export function staffingDecider(department: Department, organisation: Organisation): Decider<StaffingCommand, StaffingEvent, StaffingState> {
  return {
    initialState: initialStaffingState,
    evolve: evolveStaffing,
    decide: (command, state) => decideStaffing(command, state, department, organisation),
  };
}

function permitFor(command: StaffingCommand, department: Department, handlerId: string): void {
  const { actor } = command.metadata;
  if (actor.role === 'management') return;
  if (actor.role === 'department_manager' && actor.department === department) return;
  if (actor.role === 'department_handler' && actor.department === department && actor.id === handlerId) return;
  throw new DomainError('FORBIDDEN', `only ${handlerId}, ${department}'s manager or management may say whether ${handlerId} is at work`);
}

function untilOf(value: string, now: Date): string {
  const parsed = new Date(value);
  if (typeof value !== 'string' || Number.isNaN(parsed.getTime())) throw new ValidationFailed([{ field: 'until', message: 'must be an ISO instant' }]);
  if (parsed.getTime() <= now.getTime()) throw new ValidationFailed([{ field: 'until', message: 'must be in the future' }]);
  if (parsed.getTime() > now.getTime() + MAX_ABSENCE_DAYS * 86_400_000) {
    throw new ValidationFailed([{ field: 'until', message: `must be within ${MAX_ABSENCE_DAYS} days` }]);
  }
  return parsed.toISOString();
}
