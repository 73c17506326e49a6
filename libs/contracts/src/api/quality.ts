// What evaluation's quality endpoints answer (and the sample as its event records it, which the
// API hands out as it is).
import type { Channel } from './vocabulary';

/** How often a team is sampled: `YYYY-Www` (ISO week) periods or `YYYY-MM` periods. */
export const SAMPLING_CADENCES = ['week', 'month'] as const;
export type SamplingCadence = (typeof SAMPLING_CADENCES)[number];

/** Which rule of the sampling policy set the rate: the team's own, its size class, or the default. */
export const SAMPLING_RULES = ['team', 'small', 'large', 'default'] as const;
export type SamplingRule = (typeof SAMPLING_RULES)[number];

/** A team: `cs` (the CS agents) or a department's identifier. */
export type Team = string;

export interface SamplingPolicyApplied {
  readonly version: string;
  readonly rule: SamplingRule;
  readonly cadence: SamplingCadence;
  /** Share of the team's service records to inspect, 0 < rate ≤ 1. */
  readonly rate: number;
}

/**
 * A quality sample, drawn by a seeded random choice. Anyone can redraw it: the same population
 * (its size and digest are here), policy, seed and (for the proportional method) the agents
 * sampled the period before give the same ticket ids (see evaluation's `drawSample`).
 *
 * Two methods, told apart by `method` (an additive field: absent on samples drawn before it):
 * - absent, "cover everyone" (`drawCoveringSample`): one record per agent and per channel first,
 *   then up to the target size; the sample could outgrow its target with many agents.
 * - `proportional`: exactly `targetSize` records, allocated to the channels in proportion to the
 *   population (largest remainder), agents not sampled the period before chosen first.
 */
export interface SampleDrawnData {
  readonly sampleId: string;
  readonly team: Team;
  /** `2025-W10` or `2025-03`, in evaluation's reporting time zone. */
  readonly period: string;
  readonly policy: SamplingPolicyApplied;
  /** An unsigned 32-bit integer seeding the generator. */
  readonly seed: number;
  /** The service records the sample was drawn from. */
  readonly populationSize: number;
  /** sha256 over the population's sorted ticket ids, one per line: a redraw can check it saw the same records. */
  readonly populationDigest: string;
  /** ceil(rate × population). With `method: 'proportional'` the sample is exactly this size. */
  readonly targetSize: number;
  readonly size: number;
  readonly ticketIds: readonly string[];
  /** The agents and channels of the population (without `method`, each represented in the sample too). */
  readonly agents: readonly string[];
  readonly channels: readonly Channel[];
  /** How it was drawn; absent: the original "cover everyone" method. */
  readonly method?: SamplingMethod;
  /** The agents and channels of the records sampled (absent: the same as `agents` and `channels`). */
  readonly sampledAgents?: readonly string[];
  readonly sampledChannels?: readonly Channel[];
  /** Per channel (null: records without one): how many records the population had and the sample took. */
  readonly allocation?: readonly ChannelAllocation[];
  /** Rotation: the team's samples of the period before, and the agents they covered (chosen last this time). */
  readonly previousSampleIds?: readonly string[];
  readonly previouslySampledAgents?: readonly string[];
}

export const SAMPLING_METHODS = ['proportional'] as const;
export type SamplingMethod = (typeof SAMPLING_METHODS)[number];

export interface ChannelAllocation {
  readonly channel: Channel | null;
  readonly population: number;
  readonly sampled: number;
}
/** Which parts of a complete service record are there (DOMAIN.md: "A complete service record has ..."). */
export const RECORD_PARTS = ['customer_information', 'contact_details', 'problem_description', 'handling_process', 'solution', 'customer_confirmation'] as const;
export type RecordPart = (typeof RECORD_PARTS)[number];

export interface SampleRecordView {
  readonly ticketId: string;
  /** The contact's subject, so the inspector can tell the records apart. */
  readonly subject: string | null;
  readonly channel: string | null;
  readonly agents: readonly string[];
  readonly parts: Readonly<Record<RecordPart, boolean>>;
  readonly missing: readonly RecordPart[];
  readonly needsImprovement: boolean;
  readonly inspection: { readonly total: number; readonly correctiveActionRequired: boolean; readonly inspectorId: string; readonly inspectedAt: string } | null;
}

export interface SampleView extends SampleDrawnData {
  readonly drawnAt: string;
  readonly drawnBy: string;
  readonly records: readonly SampleRecordView[];
  /** The same draw repeated now from the records evaluation holds for the team and period. */
  readonly redraw: { readonly populationSize: number; readonly populationDigest: string; readonly samePopulation: boolean; readonly sameSample: boolean };
}

export interface CorrectiveActionView {
  readonly actionId: string;
  readonly ticketId: string;
  /** The ticket's subject, so the list can say which ticket this is. */
  readonly subject: string | null;
  readonly sampleId: string;
  readonly team: string;
  readonly assignees: readonly string[];
  readonly description: string;
  readonly dueAt: string | null;
  /** `open` again after QA found a completed action not effective (then `effective` is false). */
  readonly status: 'open' | 'completed' | 'verified';
  readonly requiredBy: string;
  readonly requiredAt: string;
  readonly completedBy: string | null;
  readonly completedAt: string | null;
  readonly completionNote: string | null;
  /** QA's latest check of the completed action. */
  readonly verifiedBy: string | null;
  readonly verifiedAt: string | null;
  readonly effective: boolean | null;
  readonly verificationNote: string | null;
}

export interface SampleSummary {
  readonly sampleId: string;
  readonly team: string;
  readonly period: string;
  readonly seed: number;
  readonly size: number;
  readonly populationSize: number;
  readonly drawnBy: string;
  readonly drawnAt: string;
}

/** What `POST /v1/qa/inspections/:ticketId` answers. */
export interface InspectionResult {
  readonly ticketId: string;
  readonly sampleId: string;
  readonly total: number;
  readonly correctiveActionRequired: boolean;
  readonly actionId: string | null;
}

/** The inspection rubric in force (`GET /v1/qa/rubric`). */
export interface RubricCriterion {
  readonly key: string;
  readonly label: string;
  readonly weight: number;
  readonly maxPoints: number;
}

export interface Rubric {
  /** Recorded with every inspection, so a score can be read against the rubric it was given under. */
  readonly version: string;
  readonly criteria: readonly RubricCriterion[];
  readonly passMark: number;
}
