import { z } from 'zod';
import type { DomainEvent } from '../decider';
import {
  type Category,
  type Channel,
  type CloseOutcome,
  type Department,
  type EventRegistry,
  type Priority,
  type TicketType,
  categorySchema,
  channelSchema,
  closeOutcomeSchema,
  departmentSchema,
  identifierSchema,
  isoInstantSchema,
  prioritySchema,
  roundSchema,
  textSchema,
  ticketTypeSchema,
} from './common';
import {
  DEADLINE_COUNTINGS,
  DEADLINE_KINDS,
  ESCALATION_LEVELS,
  ESCALATION_TRIGGERS,
  PAUSE_REASONS,
  RESUME_TRIGGERS,
  type DeadlineKind,
  type Deadlines,
  type EscalationLevel,
  type EscalationTrigger,
  type PauseReason,
  type ResumeTrigger,
} from '../api/vocabulary';

/**
 * Routing (the business departments). Stream `routing-ticket-<ticketId>`, topic `routing.events`.
 * A round is one handling by a department: round 1 when routed, +1 each time the ticket is reopened.
 */

export {
  DEADLINE_COUNTINGS,
  DEADLINE_KINDS,
  PAUSE_REASONS,
  RESUME_TRIGGERS,
  type DeadlineCounting,
  type DeadlineKind,
  type Deadlines,
  type PauseReason,
  type ResumeTrigger,
} from '../api/vocabulary';

export interface TicketRoutedData {
  readonly department: Department;
  /** The routing rule that matched (or `default`), and why in words. */
  readonly rule: string;
  readonly reason: string;
  readonly round: number;
  readonly type: TicketType;
  readonly category: Category;
  readonly priority: Priority;
  readonly channel: Channel;
  readonly platform?: string;
  readonly complaint: boolean;
  readonly deadlines: Deadlines;
}
export type TicketRouted = DomainEvent<'TicketRouted', TicketRoutedData>;

export const MANAGEMENT_INVOLVEMENT_REASONS = ['complaint', 'deadline_escalation', 'rounds_exhausted'] as const;
export type ManagementInvolvementReason = (typeof MANAGEMENT_INVOLVEMENT_REASONS)[number];

/** Management is on the ticket from now on (recorded once per ticket). */
export interface ManagementInvolvedData {
  readonly reason: ManagementInvolvementReason;
}
export type ManagementInvolved = DomainEvent<'ManagementInvolved', ManagementInvolvedData>;

export const ASSIGNMENT_METHODS = ['claim', 'manager', 'round_robin', 'least_loaded', 'skills'] as const;
export type AssignmentMethod = (typeof ASSIGNMENT_METHODS)[number];

/** The ticket's one responsible handler ("dedicated person"); a reassignment names the previous one. */
export interface HandlerAssignedData {
  readonly department: Department;
  readonly handlerId: string;
  readonly method: AssignmentMethod;
  readonly reason: string;
  readonly previousHandlerId?: string;
}
export type HandlerAssigned = DomainEvent<'HandlerAssigned', HandlerAssignedData>;

export interface TransferRequestedData {
  readonly fromDepartment: Department;
  readonly toDepartment: Department;
  readonly reason: string;
  /** Set when a manager or management passed on a ticket someone else was responsible for: that handler. */
  readonly onBehalfOf?: string;
}
export type TransferRequested = DomainEvent<'TransferRequested', TransferRequestedData>;

/**
 * The handoff: the receiving department owns the ticket, without a handler until it names one.
 * The round's deadlines are kept: passing a ticket on does not restart the customer's clock.
 */
export interface TransferAcceptedData {
  readonly fromDepartment: Department;
  readonly toDepartment: Department;
  readonly previousHandlerId?: string;
}
export type TransferAccepted = DomainEvent<'TransferAccepted', TransferAcceptedData>;

export interface TransferRefusedData {
  readonly fromDepartment: Department;
  readonly toDepartment: Department;
  readonly reason: string;
}
export type TransferRefused = DomainEvent<'TransferRefused', TransferRefusedData>;

/** Visible to CS. The first of a round is the department's first response (its handling plan). */
export interface ProgressReportedData {
  readonly round: number;
  readonly department: Department;
  readonly note: string;
  readonly firstResponse: boolean;
  /** Set when a manager or management reported for the responsible handler: that handler. */
  readonly onBehalfOf?: string;
  /** Management's request for an update that this note answers (the first note after it does). */
  readonly answersUpdateRequest?: { readonly requestId: string; readonly requestedBy: string };
}
export type ProgressReported = DomainEvent<'ProgressReported', ProgressReportedData>;

/** The department's result, reported to CS (not to the customer). A complaint's carries both remedies. */
export interface ResultReportedData {
  readonly round: number;
  readonly department: Department;
  readonly handlerId: string;
  readonly summary: string;
  readonly complaint: boolean;
  readonly apology?: string;
  readonly correctiveAction?: string;
  /**
   * A complaint's cause, a code of the complaint cause taxonomy (`unclassified` for a result
   * reported before causes were asked for). Never on other tickets. Since schema v2.
   */
  readonly cause?: string;
  /**
   * Set when a manager or management reported the result for the responsible handler (`handlerId`,
   * who stays credited with it); the actor in the envelope says who did.
   */
  readonly onBehalfOf?: string;
  /** The round's sub-requests, each answered or closed by management, combined into this result. Absent: none. */
  readonly subRequests?: readonly SubRequestOutcome[];
}
export type ResultReported = DomainEvent<'ResultReported', ResultReportedData>;

/** A further handling round after the customer objected (or management sent it back). */
export interface TicketReopenedData {
  readonly round: number;
  readonly department: Department;
  /** Set when management sent the new round to a different department. */
  readonly previousDepartment?: Department;
  /** The handler who carries on, when the department stays the same. */
  readonly handlerId?: string;
  readonly objection: string;
  readonly deadlines: Deadlines;
}
export type TicketReopened = DomainEvent<'TicketReopened', TicketReopenedData>;

export interface DeadlineBreachedData {
  readonly deadline: DeadlineKind;
  readonly round: number;
  readonly department: Department;
  readonly dueAt: string;
  /**
   * Set when the deadline is a sub-request's rather than the round's: \`department\` is then the
   * department asked, and the escalation goes to its manager.
   */
  readonly subRequestId?: string;
}
export type DeadlineBreached = DomainEvent<'DeadlineBreached', DeadlineBreachedData>;

/**
 * A deadline of the current round falls due within the policy's warning time and is not met yet:
 * the responsible handler (or, with nobody assigned, the department) is told while there is time.
 * Once per deadline and due time, so a re-targeted deadline warns again.
 */
export interface DeadlineApproachingData {
  readonly deadline: DeadlineKind;
  readonly round: number;
  readonly department: Department;
  readonly dueAt: string;
  /** The responsible handler when the warning was given; null while the ticket waits for one. */
  readonly handlerId: string | null;
  /**
   * Set when the deadline is a sub-request's rather than the round's: \`department\` is then the
   * department asked, and the escalation goes to its manager.
   */
  readonly subRequestId?: string;
}
export type DeadlineApproaching = DomainEvent<'DeadlineApproaching', DeadlineApproachingData>;

export { ESCALATION_LEVELS, ESCALATION_TRIGGERS, type EscalationLevel, type EscalationTrigger } from '../api/vocabulary';

export interface TicketEscalatedData {
  readonly level: EscalationLevel;
  readonly trigger: EscalationTrigger;
  readonly round: number;
  readonly department: Department;
  readonly reason: string;
  /** The missed deadline, for the overdue triggers. */
  readonly dueAt?: string;
  /**
   * Set when the deadline is a sub-request's rather than the round's: \`department\` is then the
   * department asked, and the escalation goes to its manager.
   */
  readonly subRequestId?: string;
}
export type TicketEscalated = DomainEvent<'TicketEscalated', TicketEscalatedData>;

/**
 * Management took a ticket in flight into its own hands: it is the responsible holder from now on
 * (progress, result and passing it on are its own), in the same department and round.
 */
export interface TicketTakenOverData {
  readonly department: Department;
  readonly round: number;
  /** Who holds it now: the person in management who took it. */
  readonly holderId: string;
  readonly reason: string;
  readonly previousHandlerId?: string;
}
export type TicketTakenOver = DomainEvent<'TicketTakenOver', TicketTakenOverData>;

/** Management asks the department for an update; the department's next progress note answers it. */
export interface UpdateRequestedData {
  readonly requestId: string;
  readonly round: number;
  readonly department: Department;
  /** Who in management asked (the envelope's actor, kept in the data for the answer to name). */
  readonly requestedBy: string;
  /** The responsible handler asked, when the ticket has one. */
  readonly handlerId?: string;
  readonly message: string;
}
export type UpdateRequested = DomainEvent<'UpdateRequested', UpdateRequestedData>;

/**
 * The customer answered while a department works the ticket (to CS on the phone, most often, who
 * records it here for the department). When the round's clock was paused waiting on the customer,
 * `ResolutionClockResumed` (trigger `customer`) follows in the same append.
 */
export interface CustomerAnsweredData {
  readonly round: number;
  readonly department: Department;
  /** Who recorded it (the envelope's actor, kept in the data for the conversation to name). */
  readonly recordedBy: string;
  /** The responsible handler it is for, when the ticket has one. */
  readonly handlerId?: string;
  /** The customer's answer, in the recorder's words. */
  readonly answer: string;
}
export type CustomerAnswered = DomainEvent<'CustomerAnswered', CustomerAnsweredData>;

/**
 * The round's resolution clock stands still while the department waits on the customer or a third
 * party. The first-response clock is not paused: the department still owes CS its plan. Resumed by
 * the responsible handler when the answer comes, or by the deadline sweep at `resumeBy` (the
 * policy's maximum pause).
 */
export interface ResolutionClockPausedData {
  readonly round: number;
  readonly department: Department;
  readonly reason: PauseReason;
  /** What exactly the department waits for, in its words. */
  readonly note?: string;
  /** The responsible handler whose clock it is. */
  readonly handlerId: string;
  /** Set when the department's manager or management paused it for the handler. */
  readonly onBehalfOf?: string;
  /** When the clock stopped (the command's time, kept in the data so the state can be folded from data alone). */
  readonly pausedAt: string;
  /** The resolution deadline when the clock stopped. */
  readonly resolutionDueAt: string;
  /** When the sweep resumes it if nobody has: the pause's start plus the policy's maximum pause. */
  readonly resumeBy: string;
}
export type ResolutionClockPaused = DomainEvent<'ResolutionClockPaused', ResolutionClockPausedData>;

/**
 * The resolution clock runs again; the round's deadlines move later by the paused time (counted
 * as the deadlines count: business hours or clock time), carried whole so every reader takes them as they are.
 */
export interface ResolutionClockResumedData {
  readonly round: number;
  readonly department: Department;
  readonly trigger: ResumeTrigger;
  readonly reason: PauseReason;
  readonly pausedAt: string;
  /** When the pause ended: now, or `resumeBy` when the sweep resumed it late. */
  readonly resumedAt: string;
  /** Wall-clock minutes paused (the deadline moved by the part of them that counts). */
  readonly pausedMinutes: number;
  readonly onBehalfOf?: string;
  readonly deadlines: Deadlines;
}
export type ResolutionClockResumed = DomainEvent<'ResolutionClockResumed', ResolutionClockResumedData>;

/**
 * The ticket's priority changed while a department works it. The round's deadlines are those of the
 * new priority counted from the round's start, plus the time paused so far: the time already spent
 * stays spent, only the promise changes.
 */
export interface PriorityChangedData {
  readonly round: number;
  readonly department: Department;
  readonly previousPriority: Priority;
  readonly priority: Priority;
  readonly reason: string;
  readonly previousDeadlines: Deadlines;
  readonly deadlines: Deadlines;
}
export type PriorityChanged = DomainEvent<'PriorityChanged', PriorityChangedData>;

/**
 * The responsible handler went away and nobody of the department was free to take the ticket on:
 * it waits in the department's queue for the next free handler, its deadlines unchanged.
 */
export interface HandlerReleasedData {
  readonly department: Department;
  readonly round: number;
  readonly previousHandlerId: string;
  readonly reason: 'away';
}
export type HandlerReleased = DomainEvent<'HandlerReleased', HandlerReleasedData>;

// ---------------------------------------------------------------------------------------------
// Sub-requests: one ticket asking several departments at once

/**
 * A part of the ticket asked of another department, worked in parallel with the ticket's own
 * department (the lead): the asked department names its own responsible handler, meets its own
 * deadlines, reports its own progress and answers. The ticket's result (ResultReported) waits for
 * every sub-request of the round to be answered, or closed by management, and carries their answers.
 */
export interface SubRequestOpenedData {
  readonly subRequestId: string;
  readonly round: number;
  /** The department asked. */
  readonly department: Department;
  /** The ticket's own department when it was asked, which combines the answers into the result. */
  readonly leadDepartment: Department;
  /** What the department is asked, in the asker's words. */
  readonly reason: string;
  /** Its own deadlines, counted from when it was asked by the ticket's type and priority. */
  readonly deadlines: Deadlines;
  /** Set when a manager or management asked for the lead's responsible handler: that handler. */
  readonly onBehalfOf?: string;
}
export type SubRequestOpened = DomainEvent<'SubRequestOpened', SubRequestOpenedData>;

/** The sub-request's one responsible handler, of the department asked; a reassignment names the previous one. */
export interface SubRequestAssignedData {
  readonly subRequestId: string;
  readonly department: Department;
  readonly handlerId: string;
  readonly method: 'claim' | 'manager';
  readonly reason: string;
  readonly previousHandlerId?: string;
}
export type SubRequestAssigned = DomainEvent<'SubRequestAssigned', SubRequestAssignedData>;

/** The asked department keeps the lead and CS informed. The first note is the sub-request's first response. */
export interface SubRequestProgressReportedData {
  readonly subRequestId: string;
  readonly round: number;
  readonly department: Department;
  readonly note: string;
  readonly firstResponse: boolean;
  readonly onBehalfOf?: string;
}
export type SubRequestProgressReported = DomainEvent<'SubRequestProgressReported', SubRequestProgressReportedData>;

/** The asked department's answer, credited to its responsible handler. */
export interface SubRequestAnsweredData {
  readonly subRequestId: string;
  readonly round: number;
  readonly department: Department;
  readonly handlerId: string;
  readonly summary: string;
  readonly onBehalfOf?: string;
}
export type SubRequestAnswered = DomainEvent<'SubRequestAnswered', SubRequestAnsweredData>;

/** Management decided the ticket goes on without this answer, saying why. */
export interface SubRequestClosedData {
  readonly subRequestId: string;
  readonly round: number;
  readonly department: Department;
  readonly reason: string;
  /** Its responsible handler when it was closed. */
  readonly handlerId?: string;
}
export type SubRequestClosed = DomainEvent<'SubRequestClosed', SubRequestClosedData>;

/** What the ticket's result says of each sub-request of its round. */
export interface SubRequestOutcome {
  readonly subRequestId: string;
  readonly department: Department;
  readonly outcome: 'answered' | 'closed_by_management';
  /** The answer, or management's reason for going on without one. */
  readonly summary: string;
  readonly handlerId?: string;
}

/** Follow-up closed the ticket; routing stops its clocks and refuses further work. */
export interface HandlingClosedData {
  readonly outcome: CloseOutcome;
  readonly round: number;
}
export type HandlingClosed = DomainEvent<'HandlingClosed', HandlingClosedData>;

export type RoutingEvent =
  | TicketRouted
  | ManagementInvolved
  | HandlerAssigned
  | TransferRequested
  | TransferAccepted
  | TransferRefused
  | ProgressReported
  | ResultReported
  | TicketReopened
  | DeadlineApproaching
  | DeadlineBreached
  | TicketEscalated
  | TicketTakenOver
  | UpdateRequested
  | CustomerAnswered
  | HandlerReleased
  | ResolutionClockPaused
  | ResolutionClockResumed
  | PriorityChanged
  | SubRequestOpened
  | SubRequestAssigned
  | SubRequestProgressReported
  | SubRequestAnswered
  | SubRequestClosed
  | HandlingClosed;

// ---------------------------------------------------------------------------------------------

const deadlinesSchema = z.object({
  from: isoInstantSchema,
  firstResponseDueAt: isoInstantSchema,
  resolutionDueAt: isoInstantSchema,
  policyVersion: textSchema,
  countIn: z.enum(DEADLINE_COUNTINGS).optional(),
});

const positiveRound = roundSchema.min(1);

export const ROUTING_EVENTS: EventRegistry<RoutingEvent> = {
  TicketRouted: {
    version: 1,
    schema: z.object({
      department: departmentSchema,
      rule: textSchema,
      reason: textSchema,
      round: positiveRound,
      type: ticketTypeSchema,
      category: categorySchema,
      priority: prioritySchema,
      channel: channelSchema,
      platform: identifierSchema.optional(),
      complaint: z.boolean(),
      deadlines: deadlinesSchema,
    }),
  },
  ManagementInvolved: {
    version: 1,
    schema: z.object({ reason: z.enum(MANAGEMENT_INVOLVEMENT_REASONS) }),
  },
  HandlerAssigned: {
    version: 1,
    schema: z.object({
      department: departmentSchema,
      handlerId: textSchema,
      method: z.enum(ASSIGNMENT_METHODS),
      reason: textSchema,
      previousHandlerId: textSchema.optional(),
    }),
  },
  TransferRequested: {
    version: 1,
    schema: z.object({
      fromDepartment: departmentSchema,
      toDepartment: departmentSchema,
      reason: textSchema,
      onBehalfOf: textSchema.optional(),
    }),
  },
  TransferAccepted: {
    version: 1,
    schema: z.object({
      fromDepartment: departmentSchema,
      toDepartment: departmentSchema,
      previousHandlerId: textSchema.optional(),
    }),
  },
  TransferRefused: {
    version: 1,
    schema: z.object({ fromDepartment: departmentSchema, toDepartment: departmentSchema, reason: textSchema }),
  },
  ProgressReported: {
    version: 1,
    schema: z.object({
      round: positiveRound,
      department: departmentSchema,
      note: textSchema,
      firstResponse: z.boolean(),
      onBehalfOf: textSchema.optional(),
      answersUpdateRequest: z.object({ requestId: identifierSchema, requestedBy: textSchema }).optional(),
    }),
  },
  ResultReported: {
    version: 2,
    schema: z
      .object({
        round: positiveRound,
        department: departmentSchema,
        handlerId: textSchema,
        summary: textSchema,
        complaint: z.boolean(),
        apology: textSchema.optional(),
        correctiveAction: textSchema.optional(),
        cause: identifierSchema.optional(),
        onBehalfOf: textSchema.optional(),
        subRequests: z
          .array(
            z.object({
              subRequestId: identifierSchema,
              department: departmentSchema,
              outcome: z.enum(['answered', 'closed_by_management']),
              summary: textSchema,
              handlerId: textSchema.optional(),
            }),
          )
          .optional(),
      })
      .refine((data) => data.complaint === (data.cause !== undefined), {
        path: ['cause'],
        message: "a complaint's result names its cause; no other result does",
      }),
  },
  TicketReopened: {
    version: 1,
    schema: z.object({
      round: positiveRound,
      department: departmentSchema,
      previousDepartment: departmentSchema.optional(),
      handlerId: textSchema.optional(),
      objection: textSchema,
      deadlines: deadlinesSchema,
    }),
  },
  DeadlineApproaching: {
    version: 1,
    schema: z.object({
      deadline: z.enum(DEADLINE_KINDS),
      round: positiveRound,
      department: departmentSchema,
      dueAt: isoInstantSchema,
      handlerId: identifierSchema.nullable(),
      subRequestId: identifierSchema.optional(),
    }),
  },
  DeadlineBreached: {
    version: 1,
    schema: z.object({
      deadline: z.enum(DEADLINE_KINDS),
      round: positiveRound,
      department: departmentSchema,
      dueAt: isoInstantSchema,
      subRequestId: identifierSchema.optional(),
    }),
  },
  TicketEscalated: {
    version: 1,
    schema: z.object({
      level: z.enum(ESCALATION_LEVELS),
      trigger: z.enum(ESCALATION_TRIGGERS),
      round: positiveRound,
      department: departmentSchema,
      reason: textSchema,
      dueAt: isoInstantSchema.optional(),
      subRequestId: identifierSchema.optional(),
    }),
  },
  TicketTakenOver: {
    version: 1,
    schema: z.object({
      department: departmentSchema,
      round: positiveRound,
      holderId: textSchema,
      reason: textSchema,
      previousHandlerId: textSchema.optional(),
    }),
  },
  UpdateRequested: {
    version: 1,
    schema: z.object({
      requestId: identifierSchema,
      round: positiveRound,
      department: departmentSchema,
      requestedBy: textSchema,
      handlerId: textSchema.optional(),
      message: textSchema,
    }),
  },
  CustomerAnswered: {
    version: 1,
    schema: z.object({
      round: positiveRound,
      department: departmentSchema,
      recordedBy: textSchema,
      handlerId: textSchema.optional(),
      answer: textSchema,
    }),
  },
  ResolutionClockPaused: {
    version: 1,
    schema: z.object({
      round: positiveRound,
      department: departmentSchema,
      reason: z.enum(PAUSE_REASONS),
      note: textSchema.optional(),
      handlerId: textSchema,
      onBehalfOf: textSchema.optional(),
      pausedAt: isoInstantSchema,
      resolutionDueAt: isoInstantSchema,
      resumeBy: isoInstantSchema,
    }),
  },
  ResolutionClockResumed: {
    version: 1,
    schema: z.object({
      round: positiveRound,
      department: departmentSchema,
      trigger: z.enum(RESUME_TRIGGERS),
      reason: z.enum(PAUSE_REASONS),
      pausedAt: isoInstantSchema,
      resumedAt: isoInstantSchema,
      pausedMinutes: z.number().nonnegative(),
      onBehalfOf: textSchema.optional(),
      deadlines: deadlinesSchema,
    }),
  },
  PriorityChanged: {
    version: 1,
    schema: z.object({
      round: positiveRound,
      department: departmentSchema,
      previousPriority: prioritySchema,
      priority: prioritySchema,
      reason: textSchema,
      previousDeadlines: deadlinesSchema,
      deadlines: deadlinesSchema,
    }),
  },
  HandlerReleased: {
    version: 1,
    schema: z.object({ department: departmentSchema, round: positiveRound, previousHandlerId: textSchema, reason: z.literal('away') }),
  },
  SubRequestOpened: {
    version: 1,
    schema: z.object({
      subRequestId: identifierSchema,
      round: positiveRound,
      department: departmentSchema,
      leadDepartment: departmentSchema,
      reason: textSchema,
      deadlines: deadlinesSchema,
      onBehalfOf: textSchema.optional(),
    }),
  },
  SubRequestAssigned: {
    version: 1,
    schema: z.object({
      subRequestId: identifierSchema,
      department: departmentSchema,
      handlerId: textSchema,
      method: z.enum(['claim', 'manager']),
      reason: textSchema,
      previousHandlerId: textSchema.optional(),
    }),
  },
  SubRequestProgressReported: {
    version: 1,
    schema: z.object({
      subRequestId: identifierSchema,
      round: positiveRound,
      department: departmentSchema,
      note: textSchema,
      firstResponse: z.boolean(),
      onBehalfOf: textSchema.optional(),
    }),
  },
  SubRequestAnswered: {
    version: 1,
    schema: z.object({
      subRequestId: identifierSchema,
      round: positiveRound,
      department: departmentSchema,
      handlerId: textSchema,
      summary: textSchema,
      onBehalfOf: textSchema.optional(),
    }),
  },
  SubRequestClosed: {
    version: 1,
    schema: z.object({
      subRequestId: identifierSchema,
      round: positiveRound,
      department: departmentSchema,
      reason: textSchema,
      handlerId: textSchema.optional(),
    }),
  },
  HandlingClosed: {
    version: 1,
    schema: z.object({ outcome: closeOutcomeSchema, round: positiveRound }),
  },
};
