// What evaluation's quality endpoints answer (apps/evaluation/src/quality/quality.service.ts).

export type RecordPart = 'customer_information' | 'contact_details' | 'problem_description' | 'handling_process' | 'solution' | 'customer_confirmation';

export const RECORD_PARTS: readonly { part: RecordPart; label: string }[] = [
  { part: 'customer_information', label: 'Customer' },
  { part: 'contact_details', label: 'Contact details' },
  { part: 'problem_description', label: 'Problem' },
  { part: 'handling_process', label: 'Handling' },
  { part: 'solution', label: 'Solution' },
  { part: 'customer_confirmation', label: 'Confirmation' },
];

export interface SampleDrawn {
  readonly sampleId: string;
  readonly team: string;
  readonly period: string;
  readonly policy: { readonly version: string; readonly rule: string; readonly cadence: 'week' | 'month'; readonly rate: number };
  readonly seed: number;
  readonly populationSize: number;
  readonly populationDigest: string;
  readonly targetSize: number;
  readonly size: number;
  readonly ticketIds: readonly string[];
  /** The population's agents and channels; the sampled ones below (absent on samples of the original method, which covered all). */
  readonly agents: readonly string[];
  readonly channels: readonly string[];
  readonly method?: 'proportional';
  readonly sampledAgents?: readonly string[];
  readonly sampledChannels?: readonly string[];
  readonly previouslySampledAgents?: readonly string[];
}

export interface SampleRecord {
  readonly ticketId: string;
  readonly channel: string | null;
  readonly agents: readonly string[];
  readonly parts: Readonly<Record<RecordPart, boolean>>;
  readonly missing: readonly RecordPart[];
  readonly needsImprovement: boolean;
  readonly inspection: { readonly total: number; readonly correctiveActionRequired: boolean; readonly inspectorId: string; readonly inspectedAt: string } | null;
}

export interface SampleView extends SampleDrawn {
  readonly drawnAt: string;
  readonly drawnBy: string;
  readonly records: readonly SampleRecord[];
  readonly redraw: { readonly populationSize: number; readonly populationDigest: string; readonly samePopulation: boolean; readonly sameSample: boolean };
}

export interface InspectionResult {
  readonly ticketId: string;
  readonly sampleId: string;
  readonly total: number;
  readonly correctiveActionRequired: boolean;
  readonly actionId: string | null;
}

export interface CorrectiveAction {
  readonly actionId: string;
  readonly ticketId: string;
  readonly sampleId: string;
  readonly team: string;
  readonly assignees: readonly string[];
  readonly description: string;
  readonly dueAt: string | null;
  readonly status: 'open' | 'completed';
  readonly requiredBy: string;
  readonly requiredAt: string;
  readonly completedBy: string | null;
  readonly completedAt: string | null;
  readonly completionNote: string | null;
}

/** A sample as `GET /v1/qa/samples` lists it. */
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
