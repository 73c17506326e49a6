import type { EvaluationEvent, RecordedOf } from '@handoff/contracts';
import type { SampleSummary } from '@handoff/contracts/api';

/**
 * The quality read model as pure folds, one per table: the samples drawn, the inspections, and
 * each corrective action from its requirement to its verification. A sample and an inspection
 * are written once; an action carries the stream position it was built to, so a redelivered or
 * replayed event changes nothing. Ids, scores and notes only, never a customer's details.
 */

export const QUALITY_EVENT_TYPES: readonly EvaluationEvent['type'][] = ['SampleDrawn', 'RecordInspected', 'CorrectiveActionRequired', 'CorrectiveActionCompleted', 'CorrectiveActionVerified'];

type QualityEvent = RecordedOf<EvaluationEvent>;

/** The sample as the API summarises it, with its instant as a time. */
export type DrawnSample = Omit<SampleSummary, 'drawnAt'> & { readonly drawnAt: Date };

export interface InspectionView {
  readonly ticketId: string;
  readonly sampleId: string;
  readonly team: string;
  readonly inspectorId: string;
  readonly inspectedAt: Date;
  readonly rubricVersion: string;
  readonly scores: Record<string, number>;
  readonly total: number;
  readonly passMark: number;
  readonly correctiveActionRequired: boolean;
  readonly missing: string[];
  readonly note: string | null;
}

export interface CorrectiveActionView {
  readonly actionId: string;
  readonly ticketId: string;
  readonly sampleId: string;
  readonly team: string;
  readonly assignees: string[];
  readonly description: string;
  readonly dueAt: Date | null;
  readonly status: 'open' | 'completed' | 'verified';
  readonly requiredBy: string;
  readonly requiredAt: Date;
  readonly completedBy: string | null;
  readonly completedAt: Date | null;
  readonly completionNote: string | null;
  /** QA's latest check of the completed action: who, when, whether it worked, and why not. */
  readonly verifiedBy: string | null;
  readonly verifiedAt: Date | null;
  readonly effective: boolean | null;
  readonly verificationNote: string | null;
  /** The inspection stream's position this row was built to: an event at or before it is not applied again. */
  readonly streamPosition: number;
}

/** Undefined for every event but the one that draws the sample, and for that one once the sample is there. */
export function evolveSample(sample: DrawnSample | undefined, event: QualityEvent): DrawnSample | undefined {
  if (sample || event.type !== 'SampleDrawn') return undefined;
  const { sampleId, team, period, seed, size, populationSize } = event.data;
  return { sampleId, team, period, seed, size, populationSize, drawnBy: event.metadata.actorId, drawnAt: new Date(event.metadata.occurredAt) };
}

export function evolveInspection(inspection: InspectionView | undefined, event: QualityEvent): InspectionView | undefined {
  if (inspection || event.type !== 'RecordInspected') return undefined;
  const { sampleId, team, rubricVersion, scores, total, passMark, correctiveActionRequired, missing, note } = event.data;
  return {
    ticketId: event.ticketId,
    sampleId,
    team,
    inspectorId: event.metadata.actorId,
    inspectedAt: new Date(event.metadata.occurredAt),
    rubricVersion,
    scores: { ...scores },
    total,
    passMark,
    correctiveActionRequired,
    missing: [...missing],
    note: note ?? null,
  };
}

export function evolveCorrectiveAction(action: CorrectiveActionView | undefined, event: QualityEvent): CorrectiveActionView | undefined {
  const at = new Date(event.metadata.occurredAt);
  switch (event.type) {
    case 'CorrectiveActionRequired': {
      if (action) return undefined;
      const { actionId, sampleId, team, assignees, description, dueAt } = event.data;
      return {
        actionId,
        ticketId: event.ticketId,
        sampleId,
        team,
        assignees: [...assignees],
        description,
        dueAt: dueAt ? new Date(dueAt) : null,
        status: 'open',
        requiredBy: event.metadata.actorId,
        requiredAt: at,
        completedBy: null,
        completedAt: null,
        completionNote: null,
        verifiedBy: null,
        verifiedAt: null,
        effective: null,
        verificationNote: null,
        streamPosition: event.streamPosition,
      };
    }
    case 'CorrectiveActionCompleted':
      if (!action || event.streamPosition <= action.streamPosition) return undefined;
      return { ...action, status: 'completed', completedBy: event.metadata.actorId, completedAt: at, completionNote: event.data.note, streamPosition: event.streamPosition };
    case 'CorrectiveActionVerified': {
      if (!action || event.streamPosition <= action.streamPosition) return undefined;
      const { effective, note } = event.data;
      return {
        ...action,
        status: effective ? 'verified' : 'open',
        verifiedBy: event.metadata.actorId,
        verifiedAt: at,
        effective,
        verificationNote: note ?? null,
        streamPosition: event.streamPosition,
      };
    }
    default:
      return undefined;
  }
}

/** The key of the row each table's fold changes; undefined for an event that changes none of it. */
export const sampleKeyOf = (event: QualityEvent): Pick<DrawnSample, 'sampleId'> | undefined =>
  event.type === 'SampleDrawn' ? { sampleId: event.data.sampleId } : undefined;

export const inspectionKeyOf = (event: QualityEvent): Pick<InspectionView, 'ticketId' | 'sampleId'> | undefined =>
  event.type === 'RecordInspected' ? { ticketId: event.ticketId, sampleId: event.data.sampleId } : undefined;

export function correctiveActionKeyOf(event: QualityEvent): Pick<CorrectiveActionView, 'actionId'> | undefined {
  switch (event.type) {
    case 'CorrectiveActionRequired':
    case 'CorrectiveActionCompleted':
    case 'CorrectiveActionVerified':
      return { actionId: event.data.actionId };
    default:
      return undefined;
  }
}
