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

export const RECORD_PARTS: readonly { part: RecordPart; label: string }[] = [
  { part: 'customer_information', label: 'Customer' },
  { part: 'contact_details', label: 'Contact details' },
  { part: 'problem_description', label: 'Problem' },
  { part: 'handling_process', label: 'Handling' },
  { part: 'solution', label: 'Solution' },
  { part: 'customer_confirmation', label: 'Confirmation' },
];
