import { z } from 'zod';
import {
  type CloseOutcome,
  type Command,
  type Decider,
  type Department,
  DomainError,
  type FollowupEvent,
  type Resolution,
  type Role,
  ValidationFailed,
  assertNever,
} from '@handoff/contracts';

/**
 * CS confirms each result with the customer. Stream `followup-ticket-<ticketId>`.
 *
 * A round is the handling round being confirmed: routing's round (1, 2, ...) for a department's
 * result, 0 for CS's own first-contact answer. Only department rounds count towards the cap:
 * an objection once the cap is reached hands the ticket to management instead of another
 * ordinary round (once; later objections reopen as usual, management being on the ticket).
 */

export interface FollowupPolicy {
  /** The department round after which an objection goes to management. */
  readonly maxRounds: number;
  /** Failed attempts to reach the customer, per round, before the ticket closes unconfirmed. */
  readonly maxContactAttempts: number;
}

export const followupPolicySchema = z.strictObject({
  maxRounds: z.number().int().positive(),
  maxContactAttempts: z.number().int().positive(),
});

export const DEFAULT_FOLLOWUP_POLICY: FollowupPolicy = { maxRounds: 3, maxContactAttempts: 3 };

// ---------------------------------------------------------------------------------------------
// Commands

export type RequestConfirmation = Command<
  'RequestConfirmation',
  {
    readonly round: number;
    readonly resolvedBy: Resolution;
    readonly department?: Department;
    readonly resultSummary: string;
    readonly apology?: string;
    readonly correctiveAction?: string;
  }
>;
export type RecordConfirmation = Command<
  'RecordConfirmation',
  { readonly satisfied: true } | { readonly satisfied: false; readonly objection: string }
>;
export type RecordContactAttempt = Command<'RecordContactAttempt', { readonly note?: string }>;

export type FollowupCommand = RequestConfirmation | RecordConfirmation | RecordContactAttempt;

// ---------------------------------------------------------------------------------------------
// State

export interface PendingConfirmation {
  readonly round: number;
  readonly resolvedBy: Resolution;
  readonly department?: Department;
}

export type FollowupState =
  | { readonly status: 'none' }
  | {
      readonly status: 'awaiting_confirmation';
      readonly confirmation: PendingConfirmation;
      /** Failed attempts to reach the customer in this round. */
      readonly attempts: number;
      readonly handedToManagement: boolean;
    }
  /** The customer objected; waiting for the next round's result. */
  | { readonly status: 'awaiting_result'; readonly lastRound: number; readonly handedToManagement: boolean }
  | { readonly status: 'closed'; readonly outcome: CloseOutcome; readonly round: number };

export const initialState: FollowupState = { status: 'none' };

// ---------------------------------------------------------------------------------------------
// Decide

const MAX_TEXT = 4000;

export function decide(command: FollowupCommand, state: FollowupState, policy: FollowupPolicy): readonly FollowupEvent[] {
  switch (command.type) {
    case 'RequestConfirmation':
      return requestConfirmation(command, state);
    case 'RecordConfirmation':
      return recordConfirmation(command, state, policy);
    case 'RecordContactAttempt':
      return recordContactAttempt(command, state, policy);
    default:
      return assertNever(command);
  }
}

function requestConfirmation(command: RequestConfirmation, state: FollowupState): readonly FollowupEvent[] {
  permit(command, ['system']);
  const { round, resolvedBy, department, apology, correctiveAction } = command.data;
  const resultSummary = required('resultSummary', command.data.resultSummary);
  if (resolvedBy === 'department' && !department?.trim()) throw invalid('department', 'a department result names its department');
  if (resolvedBy === 'first_contact' ? round !== 0 : !(Number.isInteger(round) && round >= 1)) {
    throw invalid('round', resolvedBy === 'first_contact' ? 'a first-contact answer is round 0' : 'a department round is 1 or more');
  }
  const latestRound = latestRoundOf(state);
  // A redelivered result: its confirmation was requested already.
  if (latestRound !== undefined && round <= latestRound) return [];
  if (state.status === 'awaiting_confirmation' || state.status === 'closed') {
    throw new DomainError('PRECONDITION_FAILED', `round ${round} arrived while the ticket is ${state.status.replace('_', ' ')}`);
  }
  return [
    {
      type: 'ConfirmationRequested',
      data: {
        round,
        resolvedBy,
        ...(department !== undefined && { department }),
        resultSummary,
        ...(apology?.trim() ? { apology: apology.trim() } : {}),
        ...(correctiveAction?.trim() ? { correctiveAction: correctiveAction.trim() } : {}),
      },
    },
  ];
}

function recordConfirmation(
  command: RecordConfirmation,
  state: FollowupState,
  policy: FollowupPolicy,
): readonly FollowupEvent[] {
  permit(command, ['cs']);
  const pending = awaitingConfirmation(state);
  const { round, resolvedBy, department } = pending.confirmation;
  if (command.data.satisfied) {
    return [
      { type: 'CustomerConfirmedSatisfaction', data: { round } },
      { type: 'TicketClosed', data: { outcome: 'satisfied', round } },
    ];
  }
  const objection = required('objection', command.data.objection);
  if (resolvedBy === 'department' && department !== undefined && round >= policy.maxRounds && !pending.handedToManagement) {
    return [{ type: 'TicketHandedToManagement', data: { round, department, objection, maxRounds: policy.maxRounds } }];
  }
  return [
    { type: 'CustomerObjected', data: { round, resolvedBy, ...(department !== undefined && { department }), objection } },
  ];
}

function recordContactAttempt(
  command: RecordContactAttempt,
  state: FollowupState,
  policy: FollowupPolicy,
): readonly FollowupEvent[] {
  permit(command, ['cs']);
  const pending = awaitingConfirmation(state);
  const { round } = pending.confirmation;
  const note = command.data.note?.trim();
  if (note && note.length > MAX_TEXT) throw invalid('note', `must be at most ${MAX_TEXT} characters`);
  const attempt = pending.attempts + 1;
  const failed: FollowupEvent = { type: 'ContactAttemptFailed', data: { round, attempt, ...(note ? { note } : {}) } };
  // Never recorded as satisfied: an unreachable customer closes as such.
  return attempt >= policy.maxContactAttempts
    ? [failed, { type: 'TicketClosed', data: { outcome: 'unconfirmed_unreachable', round } }]
    : [failed];
}

function awaitingConfirmation(state: FollowupState): Extract<FollowupState, { status: 'awaiting_confirmation' }> {
  switch (state.status) {
    case 'awaiting_confirmation':
      return state;
    case 'none':
      throw new DomainError('NOT_FOUND', 'no confirmation has been requested for this ticket');
    case 'awaiting_result':
      throw new DomainError('PRECONDITION_FAILED', 'the next result has not arrived yet');
    case 'closed':
      throw new DomainError('PRECONDITION_FAILED', 'the ticket is closed');
    default:
      return assertNever(state);
  }
}

function latestRoundOf(state: FollowupState): number | undefined {
  switch (state.status) {
    case 'none':
      return undefined;
    case 'awaiting_confirmation':
      return state.confirmation.round;
    case 'awaiting_result':
      return state.lastRound;
    case 'closed':
      return state.round;
    default:
      return assertNever(state);
  }
}

function permit(command: FollowupCommand, roles: readonly Role[]): void {
  const { role } = command.metadata.actor;
  if (!roles.includes(role)) throw new DomainError('FORBIDDEN', `${command.type} is not for the ${role} role`);
}

function required(field: string, value: string | undefined): string {
  const trimmed = value?.trim() ?? '';
  if (!trimmed) throw invalid(field, 'must not be empty');
  if (trimmed.length > MAX_TEXT) throw invalid(field, `must be at most ${MAX_TEXT} characters`);
  return trimmed;
}

function invalid(field: string, message: string): ValidationFailed {
  return new ValidationFailed([{ field, message }]);
}

// ---------------------------------------------------------------------------------------------
// Evolve

export function evolve(state: FollowupState, event: FollowupEvent): FollowupState {
  switch (event.type) {
    case 'ConfirmationRequested': {
      const { round, resolvedBy, department } = event.data;
      return {
        status: 'awaiting_confirmation',
        confirmation: { round, resolvedBy, ...(department !== undefined && { department }) },
        attempts: 0,
        handedToManagement: state.status === 'awaiting_result' && state.handedToManagement,
      };
    }
    case 'CustomerConfirmedSatisfaction':
      return state;
    case 'CustomerObjected':
      return state.status === 'awaiting_confirmation'
        ? { status: 'awaiting_result', lastRound: event.data.round, handedToManagement: state.handedToManagement }
        : state;
    case 'TicketHandedToManagement':
      return { status: 'awaiting_result', lastRound: event.data.round, handedToManagement: true };
    case 'ContactAttemptFailed':
      return state.status === 'awaiting_confirmation' ? { ...state, attempts: event.data.attempt } : state;
    case 'TicketClosed':
      return { status: 'closed', outcome: event.data.outcome, round: event.data.round };
    default:
      return assertNever(event);
  }
}

/** The decider with its policy bound, for the generic command handler. */
export function confirmationsDecider(policy: FollowupPolicy): Decider<FollowupCommand, FollowupEvent, FollowupState> {
  return { initialState, decide: (command, state) => decide(command, state, policy), evolve };
}
