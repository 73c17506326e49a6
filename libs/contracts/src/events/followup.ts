import { z } from 'zod';
import type { DomainEvent } from '../decider';
import {
  type CloseOutcome,
  type Department,
  type EventRegistry,
  type Resolution,
  closeOutcomeSchema,
  departmentSchema,
  resolutionSchema,
  roundSchema,
  textSchema,
} from './common';

/**
 * Follow-up (CS confirms with the customer). Stream `followup-ticket-<ticketId>`,
 * topic `followup.events`.
 *
 * `round` is the handling round being confirmed: routing's round (1, 2, ...) for a department's
 * result, 0 for an answer CS gave at first contact (before any department round).
 */

export interface ConfirmationRequestedData {
  readonly round: number;
  readonly resolvedBy: Resolution;
  /** The department whose result it is; absent for a first-contact answer. */
  readonly department?: Department;
  /** What CS reports to the customer: the department's result or CS's own answer. */
  readonly resultSummary: string;
  readonly apology?: string;
  readonly correctiveAction?: string;
}
export type ConfirmationRequested = DomainEvent<'ConfirmationRequested', ConfirmationRequestedData>;

export interface CustomerConfirmedSatisfactionData {
  readonly round: number;
}
export type CustomerConfirmedSatisfaction = DomainEvent<'CustomerConfirmedSatisfaction', CustomerConfirmedSatisfactionData>;

/** Not satisfied: the ticket goes back for another round (routing, or intake for a first-contact answer). */
export interface CustomerObjectedData {
  readonly round: number;
  readonly resolvedBy: Resolution;
  readonly department?: Department;
  readonly objection: string;
}
export type CustomerObjected = DomainEvent<'CustomerObjected', CustomerObjectedData>;

/** Not satisfied once rounds reached the cap: management takes over instead of another ordinary round. */
export interface TicketHandedToManagementData {
  readonly round: number;
  readonly department: Department;
  readonly objection: string;
  readonly maxRounds: number;
}
export type TicketHandedToManagement = DomainEvent<'TicketHandedToManagement', TicketHandedToManagementData>;

export interface ContactAttemptFailedData {
  readonly round: number;
  /** 1 for the first failed attempt of this round. */
  readonly attempt: number;
  readonly note?: string;
}
export type ContactAttemptFailed = DomainEvent<'ContactAttemptFailed', ContactAttemptFailedData>;

export interface TicketClosedData {
  readonly outcome: CloseOutcome;
  readonly round: number;
}
export type TicketClosed = DomainEvent<'TicketClosed', TicketClosedData>;

export type FollowupEvent =
  | ConfirmationRequested
  | CustomerConfirmedSatisfaction
  | CustomerObjected
  | TicketHandedToManagement
  | ContactAttemptFailed
  | TicketClosed;

// ---------------------------------------------------------------------------------------------

export const FOLLOWUP_EVENTS: EventRegistry<FollowupEvent> = {
  ConfirmationRequested: {
    version: 1,
    schema: z.object({
      round: roundSchema,
      resolvedBy: resolutionSchema,
      department: departmentSchema.optional(),
      resultSummary: textSchema,
      apology: textSchema.optional(),
      correctiveAction: textSchema.optional(),
    }),
  },
  CustomerConfirmedSatisfaction: {
    version: 1,
    schema: z.object({ round: roundSchema }),
  },
  CustomerObjected: {
    version: 1,
    schema: z.object({
      round: roundSchema,
      resolvedBy: resolutionSchema,
      department: departmentSchema.optional(),
      objection: textSchema,
    }),
  },
  TicketHandedToManagement: {
    version: 1,
    schema: z.object({
      round: roundSchema,
      department: departmentSchema,
      objection: textSchema,
      maxRounds: z.number().int().positive(),
    }),
  },
  ContactAttemptFailed: {
    version: 1,
    schema: z.object({ round: roundSchema, attempt: z.number().int().positive(), note: textSchema.optional() }),
  },
  TicketClosed: {
    version: 1,
    schema: z.object({ outcome: closeOutcomeSchema, round: roundSchema }),
  },
};
