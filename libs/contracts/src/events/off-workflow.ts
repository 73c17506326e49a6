import type { HandoffEvent } from './index';

/**
 * What is on a ticket's record without being a step of its workflow: reading, exporting and
 * asking for its customer's details, words and files on its conversation, following it, a
 * deadline's early warning, the desk's staffing, evaluation judging the service, and
 * management changing a policy (on a stream of its own, but on the same topics). The folds of
 * the workflow (the lifecycle, the service record) pass over these in one place, so a new event of
 * this kind is named once here rather than in every fold's switch.
 */
export const OFF_WORKFLOW_EVENT_TYPES = [
  'CustomerDetailsRead',
  'CustomerAccessRequested',
  'CustomerAccessApproved',
  'CustomerAccessRefused',
  'CustomerDataExported',
  'DeadlineApproaching',
  'NoteAdded',
  'CustomerAnswered',
  'AttachmentAdded',
  'TicketWatched',
  'TicketUnwatched',
  'HandlerMarkedAway',
  'HandlerBack',
  'SampleDrawn',
  'RecordInspected',
  'CorrectiveActionRequired',
  'CorrectiveActionCompleted',
  'CorrectiveActionVerified',
  'SelfEvaluationSubmitted',
  'SupervisorEvaluationSubmitted',
  'PolicyChanged',
] as const satisfies readonly HandoffEvent['type'][];

export type OffWorkflowEventType = (typeof OFF_WORKFLOW_EVENT_TYPES)[number];

const OFF_WORKFLOW = new Set<string>(OFF_WORKFLOW_EVENT_TYPES);

export function isOffWorkflow<E extends { readonly type: string }>(event: E): event is Extract<E, { readonly type: OffWorkflowEventType }> {
  return OFF_WORKFLOW.has(event.type);
}
