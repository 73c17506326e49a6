import {
  assertNever,
  DomainError,
  ValidationFailed,
  type Command,
  type Decider,
  type EvaluationEvent,
  type RecordPart,
  type Team,
} from '@handoff/contracts';
import { assertMaySuperviseTeam } from '../teams';
import { totalOf, type Rubric } from './rubric';

/**
 * The inspections of one service record and the corrective actions they required. Stream
 * `evaluation-inspection-<ticketId>`. The sample the record was drawn in, the rubric in force and
 * what the record lacks are looked up by the caller and given as data.
 */

export type InspectRecord = Command<
  'InspectRecord',
  {
    readonly ticketId: string;
    readonly sampleId: string;
    /** The sample as drawn, or null when there is no such sample. */
    readonly sample: { readonly team: Team; readonly ticketIds: readonly string[] } | null;
    readonly rubric: Rubric;
    readonly scores: Readonly<Record<string, number>>;
    readonly missing: readonly RecordPart[];
    /** Who did the work on the record, to act on a corrective action. */
    readonly assignees: readonly string[];
    readonly note?: string;
    /** Required when the total is below the pass mark; the inspector may ask for one above it too. */
    readonly correctiveAction?: { readonly actionId: string; readonly description: string; readonly dueAt?: string };
  }
>;

export type CompleteCorrectiveAction = Command<'CompleteCorrectiveAction', { readonly actionId: string; readonly note: string }>;

/** QA checks a completed action: effective, or not (then it is open again, and the note says why). */
export type VerifyCorrectiveAction = Command<'VerifyCorrectiveAction', { readonly actionId: string; readonly effective: boolean; readonly note?: string }>;

export type InspectionCommand = InspectRecord | CompleteCorrectiveAction | VerifyCorrectiveAction;

export interface CorrectiveActionState {
  readonly team: Team;
  /** Who must act; each of them may mark it done. */
  readonly assignees: readonly string[];
  readonly status: 'open' | 'completed' | 'verified';
}

export interface InspectionState {
  /** Samples in which this record has been inspected. */
  readonly inspectedIn: readonly string[];
  readonly actions: Readonly<Record<string, CorrectiveActionState>>;
}

export const initialInspectionState: InspectionState = { inspectedIn: [], actions: {} };

export function decideInspection(command: InspectionCommand, state: InspectionState): readonly EvaluationEvent[] {
  switch (command.type) {
    case 'InspectRecord':
      return inspect(command, state);
    case 'CompleteCorrectiveAction':
      return complete(command, state);
    case 'VerifyCorrectiveAction':
      return verify(command, state);
    default:
      return assertNever(command);
  }
}

function inspect(command: InspectRecord, state: InspectionState): readonly EvaluationEvent[] {
  if (command.metadata.actor.role !== 'qa') throw new DomainError('FORBIDDEN', 'only QA inspects service records');
  const { ticketId, sampleId, sample, rubric, scores, missing, assignees, note, correctiveAction } = command.data;
  const total = totalOf(rubric, scores);
  const required = total < rubric.passMark;
  if (required && !correctiveAction) {
    throw new ValidationFailed([{ field: 'correctiveAction', message: `is required: the total ${total} is below the pass mark ${rubric.passMark}` }]);
  }
  if (!sample) throw new DomainError('NOT_FOUND', `no sample ${sampleId}`);
  if (!sample.ticketIds.includes(ticketId)) throw new DomainError('PRECONDITION_FAILED', `ticket ${ticketId} is not in sample ${sampleId}`);
  if (state.inspectedIn.includes(sampleId)) throw new DomainError('CONFLICT', `ticket ${ticketId} was inspected in sample ${sampleId} already`);
  const events: EvaluationEvent[] = [
    {
      type: 'RecordInspected',
      data: {
        sampleId,
        team: sample.team,
        rubricVersion: rubric.version,
        scores,
        total,
        passMark: rubric.passMark,
        correctiveActionRequired: correctiveAction !== undefined,
        missing,
        ...(note ? { note } : {}),
      },
    },
  ];
  if (correctiveAction) {
    events.push({
      type: 'CorrectiveActionRequired',
      data: {
        actionId: correctiveAction.actionId,
        sampleId,
        team: sample.team,
        assignees,
        description: correctiveAction.description,
        ...(correctiveAction.dueAt ? { dueAt: correctiveAction.dueAt } : {}),
      },
    });
  }
  return events;
}

function complete(command: CompleteCorrectiveAction, state: InspectionState): readonly EvaluationEvent[] {
  const { actionId, note } = command.data;
  const action = state.actions[actionId];
  if (!action) throw new DomainError('NOT_FOUND', `no corrective action ${actionId}`);
  // The agent or handler it is addressed to marks it done; their supervisors may too.
  if (!action.assignees.includes(command.metadata.actor.id)) assertMaySuperviseTeam(command.metadata.actor, action.team);
  if (action.status !== 'open') throw new DomainError('CONFLICT', `corrective action ${actionId} is ${action.status} already`);
  return [{ type: 'CorrectiveActionCompleted', data: { actionId, note } }];
}

function verify(command: VerifyCorrectiveAction, state: InspectionState): readonly EvaluationEvent[] {
  if (command.metadata.actor.role !== 'qa') throw new DomainError('FORBIDDEN', 'only QA verifies corrective actions');
  const { actionId, effective, note } = command.data;
  const action = state.actions[actionId];
  if (!action) throw new DomainError('NOT_FOUND', `no corrective action ${actionId}`);
  if (action.status !== 'completed') throw new DomainError('PRECONDITION_FAILED', `corrective action ${actionId} is ${action.status}: only a completed one is verified`);
  if (!effective && !note?.trim()) throw new ValidationFailed([{ field: 'note', message: 'say what is still missing, so the assignees know what to do' }]);
  return [{ type: 'CorrectiveActionVerified', data: { actionId, effective, ...(note?.trim() ? { note: note.trim() } : {}) } }];
}

export function evolveInspection(state: InspectionState, event: EvaluationEvent): InspectionState {
  switch (event.type) {
    case 'RecordInspected':
      return { ...state, inspectedIn: [...state.inspectedIn, event.data.sampleId] };
    case 'CorrectiveActionRequired':
      return { ...state, actions: { ...state.actions, [event.data.actionId]: { team: event.data.team, assignees: event.data.assignees, status: 'open' } } };
    case 'CorrectiveActionCompleted': {
      const action = state.actions[event.data.actionId];
      return action ? { ...state, actions: { ...state.actions, [event.data.actionId]: { ...action, status: 'completed' } } } : state;
    }
    case 'CorrectiveActionVerified': {
      const action = state.actions[event.data.actionId];
      return action ? { ...state, actions: { ...state.actions, [event.data.actionId]: { ...action, status: event.data.effective ? 'verified' : 'open' } } } : state;
    }
    default:
      return state;
  }
}

export const inspectionDecider: Decider<InspectionCommand, EvaluationEvent, InspectionState> = {
  initialState: initialInspectionState,
  decide: decideInspection,
  evolve: evolveInspection,
};
