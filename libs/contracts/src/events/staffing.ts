import { z } from 'zod';
import type { DomainEvent } from '../decider';
import { type Department, type EventRegistry, departmentSchema, isoInstantSchema, textSchema } from './common';

/**
 * Who of a department is at work, recorded by routing on the department's stream
 * `staffing-<department>`. Not a ticket's history, so routing does not publish these to
 * `routing.events`: what a handler's absence does to tickets is on the tickets themselves
 * (a reassignment with reason `away`, or HandlerReleased).
 */

export const staffingStreamId = (department: Department): string => `staffing-${department}`;

export interface HandlerMarkedAwayData {
  readonly department: Department;
  readonly handlerId: string;
  /** When the absence ends by itself; absent: until they say they are back. */
  readonly until?: string;
}
/** Automatic assignment passes the handler by, and their open tickets are handed on. */
export type HandlerMarkedAway = DomainEvent<'HandlerMarkedAway', HandlerMarkedAwayData>;

export interface HandlerBackData {
  readonly department: Department;
  readonly handlerId: string;
}
export type HandlerBack = DomainEvent<'HandlerBack', HandlerBackData>;

export type StaffingEvent = HandlerMarkedAway | HandlerBack;

export const STAFFING_EVENTS: EventRegistry<StaffingEvent> = {
  HandlerMarkedAway: {
    version: 1,
    schema: z.object({ department: departmentSchema, handlerId: textSchema, until: isoInstantSchema.optional() }),
  },
  HandlerBack: { version: 1, schema: z.object({ department: departmentSchema, handlerId: textSchema }) },
};
