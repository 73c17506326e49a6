import { UNCLASSIFIED_CAUSE } from '../complaint-causes';
import { UpcasterRegistry } from '../versioning';
import type { ResultReportedDataV1 } from './result-reported.v1';
import type { ResultReportedData } from './routing';

/**
 * Every step from an old event shape to the next, for whoever reads stored or published events
 * (`typedEventOf`, the command handler's fold). Hashes stay over the stored shape.
 */
export const EVENT_UPCASTERS = new UpcasterRegistry()
  // v2: a complaint's result names its cause from the taxonomy. Older complaint results were
  // never asked, so they say so rather than guess one.
  .register('ResultReported', 1, (data): ResultReportedData => {
    const v1 = data as ResultReportedDataV1;
    return v1.complaint ? { ...v1, cause: UNCLASSIFIED_CAUSE } : v1;
  });
