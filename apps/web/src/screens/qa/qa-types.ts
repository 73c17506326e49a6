// What evaluation's quality endpoints answer: the API's own types (libs/contracts/src/api).
import type { RecordPart } from '@handoff/contracts/api';

export type {
  CorrectiveActionView as CorrectiveAction,
  InspectionResult,
  RecordPart,
  SampleDrawnData as SampleDrawn,
  SampleRecordView as SampleRecord,
  SampleSummary,
  SampleView,
} from '@handoff/contracts/api';

/** In the order the sample's table shows them; their names are `parts.<part>` (qa namespace). */
export const RECORD_PARTS: readonly { part: RecordPart }[] = [
  { part: 'customer_information' },
  { part: 'contact_details' },
  { part: 'problem_description' },
  { part: 'handling_process' },
  { part: 'solution' },
  { part: 'customer_confirmation' },
];
