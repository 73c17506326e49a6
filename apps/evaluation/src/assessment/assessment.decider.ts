import {
  assertNever,
  DomainError,
  ValidationFailed,
  type Actor,
  type Command,
  type Decider,
  type EvaluationEvent,
  type Team,
} from '@handoff/contracts';
import { isPeriod } from '@handoff/service-time';

/**
 * One person's assessment for one period. Stream `evaluation-assessment-<assessmentId>` (see
 * contracts' `assessmentIdOf`); the envelope's ticket id is the assessment id. Each part may be
 * given again (the latest counts, the earlier stay on the record); the person stays in the team
 * the first evaluation named.
 */

interface Evaluation {
  readonly personId: string;
  readonly team: Team;
  readonly period: string;
  readonly score: number;
  readonly comment?: string;
}

export type SubmitSelfEvaluation = Command<'SubmitSelfEvaluation', Evaluation>;
export type SubmitSupervisorEvaluation = Command<'SubmitSupervisorEvaluation', Evaluation>;
export type AssessmentCommand = SubmitSelfEvaluation | SubmitSupervisorEvaluation;

export interface AssessmentState {
  readonly team: Team | null;
  readonly self: { readonly score: number; readonly comment?: string } | null;
  readonly supervisor: { readonly score: number; readonly comment?: string } | null;
}

export const initialAssessmentState: AssessmentState = { team: null, self: null, supervisor: null };

/** The team a person belongs to, from who they are: CS agents are `cs`, department staff their department. */
export function teamOf(actor: Actor): Team {
  if (actor.role === 'cs') return 'cs';
  if ((actor.role === 'department_handler' || actor.role === 'department_manager') && actor.department) return actor.department;
  return actor.role;
}

export function decideAssessment(command: AssessmentCommand, state: AssessmentState): readonly EvaluationEvent[] {
  const { personId, team, period, score, comment } = command.data;
  if (!isPeriod(period) || period.length === 10) throw new ValidationFailed([{ field: 'period', message: 'must be a week (2025-W10) or a month (2025-03)' }]);
  if (!(score >= 0 && score <= 100)) throw new ValidationFailed([{ field: 'score', message: 'must be from 0 to 100' }]);
  if (state.team !== null && state.team !== team) throw new DomainError('CONFLICT', `${personId} is assessed in team ${state.team} for ${period}`);
  const actor = command.metadata.actor;
  const data = { personId, team, period, score, ...(comment ? { comment } : {}) };
  switch (command.type) {
    case 'SubmitSelfEvaluation':
      if (actor.id !== personId || teamOf(actor) !== team) throw new DomainError('FORBIDDEN', 'a self-evaluation is for oneself, in one’s own team');
      if (state.self?.score === score && state.self.comment === comment) return [];
      return [{ type: 'SelfEvaluationSubmitted', data }];
    case 'SubmitSupervisorEvaluation':
      if (actor.id === personId) throw new DomainError('FORBIDDEN', 'nobody is their own supervisor');
      if (!(actor.role === 'management' || (actor.role === 'department_manager' && actor.department === team))) {
        throw new DomainError('FORBIDDEN', `role ${actor.role} does not supervise team ${team}`);
      }
      if (state.supervisor?.score === score && state.supervisor.comment === comment) return [];
      return [{ type: 'SupervisorEvaluationSubmitted', data }];
    default:
      return assertNever(command);
  }
}

export function evolveAssessment(state: AssessmentState, event: EvaluationEvent): AssessmentState {
  switch (event.type) {
    case 'SelfEvaluationSubmitted':
      return { ...state, team: state.team ?? event.data.team, self: { score: event.data.score, ...(event.data.comment ? { comment: event.data.comment } : {}) } };
    case 'SupervisorEvaluationSubmitted':
      return {
        ...state,
        team: state.team ?? event.data.team,
        supervisor: { score: event.data.score, ...(event.data.comment ? { comment: event.data.comment } : {}) },
      };
    default:
      return state;
  }
}

export const assessmentDecider: Decider<AssessmentCommand, EvaluationEvent, AssessmentState> = {
  initialState: initialAssessmentState,
  decide: decideAssessment,
  evolve: evolveAssessment,
};
