import type { Department } from '../api/vocabulary';

/**
 * ResultReported as it was written before complaint causes were asked for (schema v1). Kept so
 * the upcaster to v2 says exactly what it reads; no code writes this shape any more.
 */
export interface ResultReportedDataV1 {
  readonly round: number;
  readonly department: Department;
  readonly handlerId: string;
  readonly summary: string;
  readonly complaint: boolean;
  readonly apology?: string;
  readonly correctiveAction?: string;
  readonly onBehalfOf?: string;
}
